// Each LLM server's own dialect, end to end: the real hxctl against hx-sim personalities that
// behave as the servers' sources say (Ollama's thinking models and cold loads, vLLM's exact model
// names, required `messages`, Bearer-only auth and null content, llama-server's optional
// /metrics), and against hostile answers that no server should send but a broken proxy can.
#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

#include "cli_harness.h"
#include "daemon_process.h"
#include "sim_process.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::DaemonProcess;
using hx::test::Run;
using hx::test::SimProcess;

namespace {

// No escape sequence, bell, carriage return or 8-bit CSI: nothing that drives a terminal.
bool terminalClean(const std::string& text) {
  return text.find_first_of("\x1b\x07\r") == std::string::npos &&
         text.find("\xc2\x9b") == std::string::npos;
}

std::string doc(const std::string& kind, const std::string& name, const std::string& spec) {
  return hx::test::specDoc(kind, name, spec);
}

std::string hostDoc(const std::string& name, const std::string& api) {
  return doc("Host", name,
             "  address: 127.0.0.1\n  api: " + api +
                 "\n  health: {interval: 1s, timeout: 800ms, failureThreshold: 2}\n");
}

std::string taskDoc(const std::string& name, const std::string& host, const std::string& criteria) {
  return doc("Task", name,
             "  title: " + name + "\n  priority: high\n  dependsOn: {hosts: [" + host +
                 "]}\n  criteria:\n" + criteria);
}

// Exchanges the simulator logged for `path`.
std::vector<Json> sentTo(const std::string& log, const std::string& path) {
  std::vector<Json> out;
  for (const Json& e : hx::test::readExchanges(log))
    if (e["path"] == path) out.push_back(e);
  return out;
}

Json requestBody(const Json& exchange) {
  return Json::parse(exchange.value("request_body", ""), nullptr, false);
}

// True when the process ended by itself (an exit code), not by a signal.
bool exitedNormally(const Run& r) { return r.code >= 0 && r.code < 128; }

}  // namespace

TEST_CASE("dialects: a thinking model's generate completes on a current Ollama, with think off",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-thinking");
  SimProcess sim({{"--ollama", "{PORT}", "--model", "deepseek-r1:14b", "--thinking",
                   "deepseek-r1:14b", "--version", "0.12.6"}},
                 log);
  CliHarness h("dialect-thinking", HX_BIN);
  h.writeSpec(
      "estate.yaml",
      hostDoc("orchestration", "{type: ollama, url: \"" + sim.url(0) + "\"}") +
          doc("Model", "deepseek",
              "  {host: orchestration, model: \"deepseek-r1:14b\", capability: generate}\n") +
          taskDoc("1.3.4", "orchestration",
                  "    - generate: {model: deepseek, maxLatency: 10s}\n"));
  REQUIRE(h.run("apply --auto-approve -f specs").code == 0);
  Run r = h.run("status -f specs --refresh -o json");
  INFO(r.out << r.err);
  auto tasks = hx::test::tasksById(r);
  REQUIRE(tasks.count("1.3.4"));
  CHECK(tasks["1.3.4"]["status"] == "completed");
  CHECK(tasks["1.3.4"]["criteria"][0]["pass"] == true);
  // What made it pass: hxctl asked for the answer without the reasoning.
  std::vector<Json> generated = sentTo(log, "/api/generate");
  REQUIRE_FALSE(generated.empty());
  for (const Json& e : generated) CHECK(requestBody(e)["think"] == false);
}

TEST_CASE("dialects: the simulated Ollama spends a small num_predict on thinking, as Ollama does",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-thinking-sim");
  SimProcess sim({{"--ollama", "{PORT}", "--model", "deepseek-r1:14b", "--thinking",
                   "deepseek-r1:14b", "--model", "llama3.1:8b"}},
                 log);
  CurlTransport http(true);
  auto ask = [&](const Json& body) {
    HttpRequest req;
    req.method = "POST";
    req.url = sim.url(0) + "/api/generate";
    req.body = body.dump();
    auto r = http.send(req);
    REQUIRE(r);
    return std::make_pair(r.value().status, Json::parse(r.value().body, nullptr, false));
  };
  Json base = {{"model", "deepseek-r1:14b"},
               {"prompt", "ready?"},
               {"stream", false},
               {"options", {{"num_predict", 16}}}};
  auto [status, thinking] = ask(base);
  CHECK(status == 200);
  CHECK(thinking["response"] == "");
  CHECK_FALSE(thinking["thinking"].get<std::string>().empty());
  CHECK(thinking["done_reason"] == "length");
  base["think"] = false;
  auto [status2, plain] = ask(base);
  CHECK(status2 == 200);
  CHECK_FALSE(plain["response"].get<std::string>().empty());
  CHECK_FALSE(plain.contains("thinking"));
  // `think: true` on a model without the capability is refused; `false` is always accepted.
  auto [status3, refused] =
      ask({{"model", "llama3.1:8b"}, {"prompt", "hi"}, {"stream", false}, {"think", true}});
  CHECK(status3 == 400);
  CHECK(refused["error"] == "\"llama3.1:8b\" does not support thinking");
}

TEST_CASE("dialects: a vLLM reasoning model's null content is a clear result, never a crash",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-reasoning");
  const std::string served = "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B";
  SimProcess sim({{"--vllm", "{PORT}", "--model", served, "--reasoning", served}}, log);
  CliHarness h("dialect-reasoning", HX_BIN);
  h.writeSpec(
      "estate.yaml",
      hostDoc("gpu", "{type: openai, flavor: vllm, url: \"" + sim.url(0) + "\"}") +
          doc("Model", "r1", "  {host: gpu, model: \"" + served + "\", capability: generate}\n") +
          taskDoc("reasoning", "gpu", "    - generate: {model: r1, maxLatency: 10s}\n"));
  Run status = h.run("status -f specs --refresh -o json");
  INFO(status.out << status.err);
  CHECK(status.code == 0);
  auto tasks = hx::test::tasksById(status);
  REQUIRE(tasks.count("reasoning"));
  Json check = tasks["reasoning"]["criteria"][0];
  CHECK(check["pass"] == true);
  CHECK(check["value"].get<std::string>().find("content null") != std::string::npos);
  CHECK(check["value"].get<std::string>().find("reasoning") != std::string::npos);
  Run apply = h.run("apply --auto-approve -f specs");
  INFO(apply.out << apply.err);
  CHECK(exitedNormally(apply));
  CHECK(apply.code == 0);
  // The daemon evaluates the same answer on every cycle, and keeps running.
  DaemonProcess d(h, "-f specs --interval 1s --metrics-address off");
  bool cycled = d.waitLog("(startup, ", 20);
  INFO(d.log());
  REQUIRE(cycled);
  usleep(2500000);
  CHECK_FALSE(d.waitExit(0).has_value());
  d.signal(SIGTERM);
  CHECK(d.waitExit(20) == std::optional<int>(0));
  // The requests were chat requests with `messages`, naming the model exactly as served.
  std::vector<Json> chats = sentTo(log, "/v1/chat/completions");
  REQUIRE_FALSE(chats.empty());
  for (const Json& e : chats) {
    CHECK(requestBody(e)["model"] == served);
    CHECK(requestBody(e)["messages"].is_array());
  }
}

TEST_CASE("dialects: load on a vLLM chat model sends chat requests by the exact name, 0% errors",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-load");
  const std::string served = "Qwen/Qwen2.5-7B-Instruct";
  SimProcess sim({{"--vllm", "{PORT}", "--model", served}}, log);
  CliHarness h("dialect-load", HX_BIN);
  h.writeSpec(
      "estate.yaml",
      hostDoc("gpu", "{type: openai, url: \"" + sim.url(0) + "\"}") +
          doc("Model", "qwen", "  {host: gpu, model: \"" + served + "\", capability: generate}\n") +
          taskDoc("load", "gpu",
                  "    - load: {target: {model: qwen}, requests: 200, concurrency: 4, "
                  "thresholds: {maxErrorRate: 0, avgLatency: 1s}}\n"));
  Run r = h.run("status -f specs --refresh -o json");
  INFO(r.out << r.err);
  auto tasks = hx::test::tasksById(r);
  REQUIRE(tasks.count("load"));
  Json check = tasks["load"]["criteria"][0];
  CHECK(check["pass"] == true);
  CHECK(tasks["load"]["status"] == "completed");
  std::vector<Json> chats = sentTo(log, "/v1/chat/completions");
  REQUIRE(chats.size() >= 200);
  int errors = 0;
  for (const Json& e : chats) errors += e["status"] != 200;
  CHECK(errors == 0);
  CHECK(requestBody(chats.back())["model"] == served);
  CHECK_FALSE(requestBody(chats.back()).contains("prompt"));
}

TEST_CASE("dialects: an Ollama host declared type openai, flavor ollama is probed as Ollama",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-flavor");
  SimProcess sim({{"--ollama", "{PORT}", "--model", "llama3.1:8b"}}, log);
  CliHarness h("dialect-flavor", HX_BIN);
  h.writeSpec(
      "estate.yaml",
      hostDoc("ol", "{type: openai, flavor: ollama, url: \"" + sim.url(0) + "/v1\"}") +
          doc("Model", "general", "  {host: ol, model: \"llama3.1:8b\", capability: generate}\n") +
          taskDoc("gen", "ol", "    - generate: {model: general, maxLatency: 10s}\n"));
  Json hosts = Json::parse(h.run("hosts -f specs -o json").out, nullptr, false);
  REQUIRE(hosts.is_array());
  REQUIRE(hosts.size() == 1);
  INFO(hosts.dump());
  CHECK(hosts[0]["status"] == "active");
  CHECK(sentTo(log, "/health").empty());
  CHECK_FALSE(sentTo(log, "/").empty());
  auto tasks = hx::test::tasksById(h.run("status -f specs --refresh -o json"));
  CHECK(tasks["gen"]["status"] == "completed");
  // An OpenAI-compatible host: its models are observed through /v1, never pulled.
  CHECK(sentTo(log, "/api/pull").empty());
  CHECK_FALSE(sentTo(log, "/v1/models").empty());
}

TEST_CASE("dialects: keyEnforced presents a Bearer token to vLLM, and fails where it is open",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-bearer");
  SimProcess sim({{"--vllm", "{PORT}", "--model", "m", "--api-key", "vllm-key-7f3k"},
                  {"--vllm", "{PORT}", "--model", "m"}},
                 log);
  CliHarness h("dialect-bearer", HX_BIN);
  std::string s = doc("Role", "caller", "  gateway: {permissions: [read]}\n") +
                  doc("ApiKey", "vllm", "  role: caller\n  secret: {env: HX_VLLM_KEY}\n");
  for (size_t i = 0; i < 2; ++i) {
    std::string name = i == 0 ? "guarded" : "open";
    s += hostDoc(name, "{type: openai, flavor: vllm, url: \"" + sim.url(i) + "\"" +
                           (i == 0 ? ", auth: {env: HX_VLLM_KEY}" : "") + "}");
    s += taskDoc(name, name,
                 "    - keyEnforced: {url: \"" + sim.url(i) + "/v1/models\", key: vllm}\n");
  }
  h.writeSpec("estate.yaml", s);
  Run r = h.run("status -f specs --refresh -o json", "HX_VLLM_KEY=vllm-key-7f3k");
  INFO(r.out << r.err);
  auto tasks = hx::test::tasksById(r);
  CHECK(tasks["guarded"]["criteria"][0]["value"] == "without: 401, with: 200");
  CHECK(tasks["guarded"]["status"] == "completed");
  CHECK(tasks["open"]["criteria"][0]["pass"] == false);
  CHECK(tasks["open"]["criteria"][0]["value"] == "without: 200, with: 200");
  CHECK(r.out.find("vllm-key-7f3k") == std::string::npos);
  CHECK(r.err.find("vllm-key-7f3k") == std::string::npos);
}

TEST_CASE("dialects: keyEnforced on a key delivered to Qdrant as a JWT presents the JWT",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-jwt");
  const std::string serverKey = "srv-k3y-for-jwt";
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", serverKey, "--jwt-rbac"}}, log);
  CliHarness h("dialect-jwt", HX_BIN);
  std::string token = (h.dir() / "reader.jwt").string();
  h.writeSpec(
      "estate.yaml",
      hostDoc("vector", "{type: qdrant, url: \"" + sim.url(0) + "\", auth: {env: HX_SERVER_KEY}}") +
          doc("Role", "readonly", "  qdrant: {global: r}\n") +
          doc("ApiKey", "reader",
              "  role: readonly\n  secret: {env: HX_READER_SECRET}\n  deliver:\n    qdrant: "
              "{server: vector, tokenFile: " +
                  token + "}\n") +
          doc("Task", "keys",
              "  title: keys\n  priority: high\n  dependsOn: {hosts: [vector]}\n  resources: "
              "[ApiKey/reader]\n  criteria:\n    - keyEnforced: {url: \"" +
                  sim.url(0) + "/collections\", key: reader}\n"));
  const std::string env = "HX_SERVER_KEY=" + serverKey + " HX_READER_SECRET=reader-secret-9x";
  Run apply = h.run("apply --auto-approve -f specs", env);
  INFO(apply.out << apply.err);
  REQUIRE(apply.code == 0);
  REQUIRE(std::filesystem::exists(token));
  Run r = h.run("status -f specs --refresh -o json", env);
  INFO(r.out << r.err);
  auto tasks = hx::test::tasksById(r);
  CHECK(tasks["keys"]["criteria"][0]["value"] == "without: 401, with: 200");
  CHECK(tasks["keys"]["status"] == "completed");
  CHECK(r.out.find("reader-secret-9x") == std::string::npos);
}

TEST_CASE("dialects: llama-server serves /metrics only with --metrics, as it does",
          "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-metrics");
  SimProcess sim({{"--llama-server", "{PORT}", "--model", "yi.gguf"},
                  {"--llama-server", "{PORT}", "--model", "yi.gguf", "--metrics"}},
                 log);
  CliHarness h("dialect-metrics", HX_BIN);
  std::string s;
  for (size_t i = 0; i < 2; ++i) {
    std::string name = i == 0 ? "plain" : "metered";
    s += hostDoc(name, "{type: openai, flavor: llama-server, url: \"" + sim.url(i) + "\"}");
    s += taskDoc(name, name,
                 "    - metricsScraped: {url: \"" + sim.url(i) +
                     "/metrics\", metric: llamacpp:requests_processing}\n");
  }
  h.writeSpec("estate.yaml", s);
  auto tasks = hx::test::tasksById(h.run("status -f specs --refresh -o json"));
  CHECK(tasks["plain"]["criteria"][0]["pass"] == false);
  CHECK(tasks["plain"]["criteria"][0]["value"] == "HTTP 501");
  CHECK(tasks["metered"]["criteria"][0]["pass"] == true);
}

TEST_CASE("dialects: a latency check warms a cold model first and says so", "[llm][dialect][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-cold");
  SimProcess sim({{"--ollama", "{PORT}", "--model", "mixtral:8x7b", "--load-ms", "1500"}}, log);
  CliHarness h("dialect-cold", HX_BIN);
  h.writeSpec("estate.yaml",
              hostDoc("llm", "{type: ollama, url: \"" + sim.url(0) + "\"}") +
                  doc("Model", "mixtral",
                      "  {host: llm, model: \"mixtral:8x7b\", capability: generate}\n") +
                  taskDoc("fast", "llm", "    - generate: {model: mixtral, maxLatency: 1s}\n"));
  Run r = h.run("status -f specs --refresh -o json");
  INFO(r.out << r.err);
  auto tasks = hx::test::tasksById(r);
  Json check = tasks["fast"]["criteria"][0];
  CHECK(check["pass"] == true);
  CHECK(check["value"].get<std::string>().find("warmed") != std::string::npos);
}

TEST_CASE("dialects: hx-sim's exchange log survives a client that accepts compression",
          "[llm][dialect][e2e]") {
  // httplib compresses application/json answers for a client that accepts it, before the hook
  // that logs them runs: the log used to abort on the compressed bytes.
  std::string log = hx::test::freshExchangeLog("dialect-gzip");
  SimProcess sim({{"--qdrant", "{PORT}"}}, log);
  for (const char* encoding : {"gzip", "br", "gzip"}) {
    std::string cmd = std::string("curl -s -H 'Accept-Encoding: ") + encoding +
                      "' -o /dev/null -w '%{http_code}' " + sim.url(0) + "/collections > " + log +
                      ".code";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(hx::test::slurp(log + ".code") == "200");
  }
  std::vector<Json> listed = sentTo(log, "/collections");
  REQUIRE(listed.size() == 3);
  for (const Json& e : listed) {
    Json body = Json::parse(e.value("response_body", ""), nullptr, false);
    CHECK(body["status"] == "ok");
    CHECK(body["result"]["collections"].is_array());
  }
  CHECK(listed[0]["response_content_encoding"] == "gzip");
  CHECK(listed[1]["response_content_encoding"] == "br");
}

// Every kind of malformed answer, on every route hxctl reads from Ollama, vLLM and Qdrant: hxctl
// reports each as a failure naming the host and the route, and never dies of one.
TEST_CASE("dialects: hostile answers on every route are reported with host and route, never fatal",
          "[llm][dialect][hostile][e2e]") {
  std::string log = hx::test::freshExchangeLog("dialect-hostile");
  SimProcess sim({{"--ollama", "{PORT}", "--model", "llama3.1:8b", "--model", "nomic-embed-text=8",
                   "--registry", "phi3:3.8b"},
                  {"--vllm", "{PORT}", "--model", "Qwen/Qwen2.5-7B-Instruct"},
                  {"--qdrant", "{PORT}", "--api-key", "hostile-key"}},
                 log);
  CliHarness h("dialect-hostile", HX_BIN);
  h.writeSpec(
      "estate.yaml",
      hostDoc("ollama-host", "{type: ollama, url: \"" + sim.url(0) + "\"}") +
          hostDoc("vllm-host", "{type: openai, flavor: vllm, url: \"" + sim.url(1) + "\"}") +
          hostDoc("qdrant-host",
                  "{type: qdrant, url: \"" + sim.url(2) + "\", auth: {env: HX_HOSTILE_KEY}}") +
          doc("Model", "general",
              "  {host: ollama-host, model: \"llama3.1:8b\", capability: generate}\n") +
          doc("Model", "phi",
              "  {host: ollama-host, model: \"phi3:3.8b\", capability: generate}\n") +
          doc("Model", "embed",
              "  {host: ollama-host, model: nomic-embed-text, capability: embed, dimensions: "
              "8}\n") +
          doc("Model", "qwen",
              "  {host: vllm-host, model: \"Qwen/Qwen2.5-7B-Instruct\", capability: generate}\n") +
          doc("Collection", "docs",
              "  {server: qdrant-host, embeddingModel: embed, vectors: {size: 8, distance: "
              "Cosine}}\n") +
          doc("Task", "all",
              "  title: all\n  priority: high\n  dependsOn: {hosts: [ollama-host, vllm-host, "
              "qdrant-host]}\n  criteria:\n"
              "    - generate: {model: general, maxLatency: 10s}\n"
              "    - generate: {model: qwen, maxLatency: 10s}\n"
              "    - embed: {model: embed}\n"
              "    - ingest: {model: embed, collection: docs, samples: 2}\n"
              "    - load: {target: {model: qwen}, requests: 4, concurrency: 2}\n"
              "    - load: {target: {collection: docs}, requests: 4, concurrency: 2}\n"
              "    - modelAvailable: {model: general}\n"));
  const std::string env = "HX_HOSTILE_KEY=hostile-key";
  auto setHostile = [&](const std::string& kind) {
    for (size_t i = 0; i < 3; ++i) sim.admin(i, "hostile", Json{{"kind", kind}}.dump());
  };
  // A healthy first apply: collection and pulled model exist, so later reads have objects.
  REQUIRE(h.run("apply --auto-approve -f specs", env).code == 0);
  const std::vector<std::string> kinds = {
      "null-body",         "empty-body",        "empty-object",  "array-root",       "string-root",
      "number-root",       "html-200",          "html-502",      "truncated",        "all-null",
      "all-strings",       "all-numbers",       "all-booleans",  "negative-numbers", "huge-numbers",
      "objects-as-arrays", "arrays-as-objects", "null-elements", "huge-strings",     "oversized",
      "deep-nesting",      "bad-utf8",          "gzip-unasked",  "error-200",        "status-418",
      "ndjson-garbage",    "terminal-escapes",  "escapes-error"};
  REQUIRE(kinds.size() >= 20);
  int reported = 0;  // kinds whose answers hxctl could not read, and said so
  for (const auto& kind : kinds) {
    setHostile(kind);
    // The two kinds that send megabytes per answer are read once (plan): every command reads
    // them the same way, and each costs seconds in a Debug build.
    const bool heavy = kind == "oversized" || kind == "huge-strings";
    for (const std::string cmd : {"plan -f specs", "status -f specs --refresh -o json",
                                  "apply --auto-approve -f specs --prune"}) {
      if (heavy && cmd != "plan -f specs") continue;
      Run r = h.run(cmd, env);
      INFO(kind << ": hxctl " << cmd << " -> " << r.code << "\n"
                << r.out.substr(0, 3000) << "\n"
                << r.err.substr(0, 3000));
      CHECK(exitedNormally(r));
      // Whatever the server sent, no control sequence of its reaches the terminal (output is not
      // a terminal here, so hxctl prints no colour of its own either).
      CHECK(terminalClean(r.out + r.err));
      // Every read that failed says where: the host and the route. (Some kinds still parse:
      // a number sent as a string, a 10 MB answer, gzip nobody asked for.)
      std::istringstream lines(r.out + r.err);
      bool failed = false;
      for (std::string line; std::getline(lines, line);) {
        if (line.find("cannot observe") == std::string::npos) continue;
        failed = true;
        INFO(line);
        CHECK(line.find(" on host ") != std::string::npos);
        // The route, alone or in its URL (a timeout names the URL: slow builds meet it).
        CHECK(std::regex_search(line, std::regex(R"((GET|POST) (https?://[^/ ]+)?/)")));
      }
      if (cmd == "plan -f specs") reported += failed;
    }
  }
  CHECK(reported >= 18);
  // What the server said is still shown, as text: the error's escape sequences made visible.
  setHostile("escapes-error");
  Run shown = h.run("plan -f specs", env);
  INFO(shown.out << shown.err);
  CHECK((shown.out + shown.err).find("]0;owned") != std::string::npos);
  // The probes' own routes too: a host whose health answer is malformed is not active, and says
  // why.
  for (size_t i = 0; i < 3; ++i)
    sim.admin(i, "hostile", Json{{"kind", "all-null"}, {"health", true}}.dump());
  Run hosts = h.run("hosts -f specs -o json", env);
  INFO(hosts.out << hosts.err);
  CHECK(exitedNormally(hosts));
  // A daemon under a host that changes its kind of nonsense every second stays up.
  setHostile("all-null");
  DaemonProcess d(h, "-f specs --interval 1s --metrics-address off", env);
  bool cycled = d.waitLog("(startup, ", 20);
  INFO(d.log());
  REQUIRE(cycled);
  for (const auto& kind : {"all-strings", "html-200", "truncated", "objects-as-arrays",
                           "null-elements", "error-200", "terminal-escapes", "escapes-error"}) {
    setHostile(kind);
    usleep(1200000);
    CHECK_FALSE(d.waitExit(0).has_value());
  }
  // Nothing a server sent drives the terminal the daemon's log is read on.
  CHECK(terminalClean(d.log()));
  setHostile("");
  d.signal(SIGTERM);
  CHECK(d.waitExit(30) == std::optional<int>(0));
}
