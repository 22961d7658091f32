// LLM hosts end to end: the real hxctl against hx-sim's Ollama and vLLM personalities. Counts of
// the simulator's logged requests prove what was (and was not) attempted.
#include <catch2/catch.hpp>
#include <regex>

#include "cli_harness.h"
#include "sim_process.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::Run;
using hx::test::SimProcess;

namespace {

std::string exchangeLog(const std::string& test) {
  return hx::test::freshExchangeLog("llm-" + test);
}

std::string host(
    const std::string& name, const std::string& type, int port,
    const std::string& health = "{interval: 1s, timeout: 500ms, failureThreshold: 2}") {
  return "---\napiVersion: hx/v1\nkind: Host\nmetadata: {name: " + name +
         "}\nspec:\n  address: 127.0.0.1\n"
         "  api: {type: " +
         type + ", url: \"http://127.0.0.1:" + std::to_string(port) +
         "\"}\n"
         "  health: " +
         health + "\n";
}

std::string model(const std::string& name, const std::string& on, const std::string& tag,
                  const std::string& extra = "capability: generate") {
  return "---\napiVersion: hx/v1\nkind: Model\nmetadata: {name: " + name + "}\nspec: {host: " + on +
         ", model: \"" + tag + "\", " + extra + "}\n";
}

std::string collection(const std::string& name, const std::string& server,
                       const std::string& embed = "") {
  return "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: " + name +
         "}\nspec:\n  server: " + server + "\n  vectors: {size: 8, distance: Cosine}\n" +
         (embed.empty() ? "" : "  embeddingModel: " + embed + "\n");
}

// Requests the simulator logged for `port` matching `method path`.
int requests(const std::string& log, int port, const std::string& method, const std::string& path) {
  const std::string host = "127.0.0.1:" + std::to_string(port);
  return hx::test::countExchanges(log, [&](const Json& e) {
    return e["host"] == host && e["method"] == method && e["path"] == path;
  });
}

// --record: each call is a probe that counts, as the daemon's would.
Json hostsJson(CliHarness& h) { return Json::parse(h.run("hosts -f specs --record -o json").out); }

Json hostNamed(const Json& hosts, const std::string& name) {
  for (const auto& x : hosts)
    if (x["name"] == name) return x;
  return Json();
}

// Host status changes within 10 s or not at all.
template <typename F>
bool waitFor(F condition) {
  return hx::test::eventually(condition, 10);
}

}  // namespace

TEST_CASE("llm: a host goes pending -> active -> degraded, each transition stored with evidence",
          "[llm][e2e]") {
  std::string log = exchangeLog("status");
  SimProcess sim({{"--ollama", "{PORT}", "--up-after", "2", "--version", "0.5.7"}}, log);
  CliHarness h("llm-status", HX_BIN);
  h.writeSpec("estate.yaml", host("llm-primary", "ollama", sim.port(0)));
  Json first = hostNamed(hostsJson(h), "llm-primary");
  CHECK(first["status"] == "pending_installation");
  CHECK(first["since"].is_null());
  CHECK(first["evidence"].get<std::string>().find("Couldn't connect to server") !=
        std::string::npos);
  REQUIRE(waitFor([&] { return hostNamed(hostsJson(h), "llm-primary")["status"] == "active"; }));
  Json up = hostNamed(hostsJson(h), "llm-primary");
  CHECK(up["version"] == "ollama 0.5.7");
  CHECK(up["breaker"] == "closed");
  sim.admin(0, "down?seconds=0", "{}");  // refuse connections from now on
  usleep(300000);
  CHECK(hostNamed(hostsJson(h), "llm-primary")["status"] == "active");  // 1 failure of 2
  Json degraded = hostNamed(hostsJson(h), "llm-primary");
  CHECK(degraded["status"] == "degraded");
  CHECK(degraded["breaker"] == "open");
  const Json& t = degraded["transitions"];
  REQUIRE(t.size() == 2);
  CHECK(t[0]["from"] == "active");
  CHECK(t[0]["to"] == "degraded");
  CHECK(t[0]["http_status"] == 0);
  CHECK(t[0]["evidence"].get<std::string>().find("Couldn't connect to server") !=
        std::string::npos);
  CHECK(t[1]["from"] == "pending_installation");
  CHECK(t[1]["to"] == "active");
  CHECK(t[1]["http_status"] == 200);
  CHECK(t[1]["version"] == "ollama 0.5.7");
}

TEST_CASE(
    "llm: with llm-primary down, apply does everything else and defers the rest, and once it is "
    "up, the next apply does exactly the deferred work",
    "[llm][e2e]") {
  std::string log = exchangeLog("deferral");
  SimProcess sim({{"--ollama", "{PORT}", "--registry", "mixtral:8x7b", "--registry",
                   "nomic-embed-text=8", "--up-after", "3"},
                  {"--ollama", "{PORT}", "--registry", "phi3:3.8b"},
                  {"--qdrant", "{PORT}"}},
                 log);
  CliHarness h("llm-deferral", HX_BIN);
  h.writeSpec("estate.yaml", host("llm-primary", "ollama", sim.port(0)) +
                                 host("llm-secondary", "ollama", sim.port(1)) +
                                 host("vector-db", "qdrant", sim.port(2)) +
                                 model("mixtral", "llm-primary", "mixtral:8x7b") +
                                 model("embed-primary", "llm-primary", "nomic-embed-text",
                                       "capability: embed, dimensions: 8") +
                                 model("phi3", "llm-secondary", "phi3:3.8b") +
                                 collection("mixtral", "vector-db", "embed-primary") +
                                 collection("plain", "vector-db"));
  Run first = h.run("apply --auto-approve -f specs --detailed-exitcode");
  INFO(first.out << first.err);
  CHECK(first.code == 6);
  CHECK(first.out.find("deferred: host llm-primary is pending_installation (never seen healthy)") !=
        std::string::npos);
  CHECK(first.out.find("deferred: depends on Model/embed-primary, which is deferred") !=
        std::string::npos);
  CHECK(first.out.find("Applied: 2 succeeded, 0 failed, 0 skipped.") != std::string::npos);
  Json run1 = Json::parse(h.run("history 1 -o json").out);
  std::map<std::string, std::string> status1;
  for (const auto& a : run1["actions"]) status1[a["resource"]] = a["status"];
  CHECK(status1 == std::map<std::string, std::string>{{"Collection/mixtral", "deferred"},
                                                      {"Collection/plain", "succeeded"},
                                                      {"Model/embed-primary", "deferred"},
                                                      {"Model/mixtral", "deferred"},
                                                      {"Model/phi3", "succeeded"}});
  REQUIRE(waitFor([&] { return hostNamed(hostsJson(h), "llm-primary")["status"] == "active"; }));
  Run second = h.run("apply --auto-approve -f specs --detailed-exitcode");
  INFO(second.out << second.err);
  CHECK(second.code == 0);
  Json run2 = Json::parse(h.run("history 2 -o json").out);
  std::map<std::string, std::string> status2;
  for (const auto& a : run2["actions"]) status2[a["resource"]] = a["status"];
  CHECK(status2 == std::map<std::string, std::string>{{"Collection/mixtral", "succeeded"},
                                                      {"Model/embed-primary", "succeeded"},
                                                      {"Model/mixtral", "succeeded"}});
  CHECK(requests(log, sim.port(0), "POST", "/api/pull") == 2);
  CHECK(requests(log, sim.port(1), "POST", "/api/pull") == 1);
  CHECK(requests(log, sim.port(0), "POST", "/api/embed") == 1);  // the embedding model was verified
  CHECK(h.run("plan -f specs").out.find("No changes.") != std::string::npos);
}

TEST_CASE("llm: pull failures are reported as the right kind, without a retry storm",
          "[llm][e2e]") {
  std::string log = exchangeLog("pulls");
  SimProcess sim({{"--ollama", "{PORT}", "--registry", "mixtral:8x7b", "--pull-error-after", "2"},
                  {"--ollama", "{PORT}", "--registry", "yi:34b", "--pull-stall", "30"},
                  {"--ollama", "{PORT}", "--registry", "phi3:3.8b"},
                  {"--ollama", "{PORT}", "--registry", "deepcoder:14b"}},
                 log);
  CliHarness h("llm-pulls", HX_BIN);
  h.writeSpec("estate.yaml",
              host("a", "ollama", sim.port(0)) + host("b", "ollama", sim.port(1)) +
                  host("c", "ollama", sim.port(2)) + host("d", "ollama", sim.port(3)) +
                  model("errorline", "a", "mixtral:8x7b") + model("stall", "b", "yi:34b") +
                  model("unknown", "c", "no-such-model:1b") +
                  model("notembed", "d", "deepcoder:14b", "capability: embed, dimensions: 8"));
  Run r = h.run("apply --auto-approve -f specs -o json", "HXCTL_PULL_STALL_SECONDS=1");
  Json out = Json::parse(r.out);
  CHECK(out["exit_code"] == 5);
  std::map<std::string, Json> results;
  for (const auto& x : out["results"]) results[x["resource"]] = x;
  CHECK(results["Model/errorline"]["error_kind"] == "unavailable");
  CHECK(results["Model/errorline"]["error"] ==
        "pull mixtral:8x7b: the server reported: max retries exceeded: read tcp "
        "10.0.0.5:51234->104.18.0.1:443: read: connection reset by peer");
  CHECK(results["Model/stall"]["error_kind"] == "unavailable");
  CHECK(std::regex_match(results["Model/stall"]["error"].get<std::string>(),
                         std::regex("pull yi:34b: stalled: no progress for 1 s \\(last status: "
                                    "pulling [0-9a-f]{12}\\)")));
  CHECK(results["Model/unknown"]["error_kind"] == "terminal");
  CHECK(results["Model/unknown"]["error"] ==
        "pull no-such-model:1b: the server reported: pull model manifest: file does not exist");
  CHECK(results["Model/notembed"]["error_kind"] == "terminal");
  CHECK(
      results["Model/notembed"]["error"] ==
      "Model/notembed is declared capability: embed, but deepcoder:14b is not an embedding model: "
      "POST /api/embed: HTTP 501: This server does not support embeddings. Start it with "
      "`--embeddings`");
  for (const auto& [name, x] : results) CHECK(x["attempts"] == 1);
  // hx-sim logs an exchange when its handler returns; the stalled pull's handler notices the
  // abandoned connection at its next progress tick, so wait for that entry rather than race it.
  for (int i = 0; i < 100 && requests(log, sim.port(1), "POST", "/api/pull") == 0; ++i)
    usleep(100000);
  for (size_t i = 0; i < 4; ++i) CHECK(requests(log, sim.port(i), "POST", "/api/pull") == 1);
  CHECK(requests(log, sim.port(3), "POST", "/api/embed") == 1);
}

TEST_CASE("llm: the breaker keeps a dead host from costing a probe timeout per run", "[llm][e2e]") {
  std::string log = exchangeLog("breaker");
  // Answers, but only after 3 s: every probe times out (after 500 ms).
  SimProcess sim({{"--ollama", "{PORT}", "--latency-ms", "3000"}}, log);
  CliHarness h("llm-breaker", HX_BIN);
  std::string spec =
      host("slow", "ollama", sim.port(0), "{interval: 1m, timeout: 500ms, failureThreshold: 1}");
  for (int i = 0; i < 5; ++i)
    spec += model("m" + std::to_string(i), "slow", "model" + std::to_string(i) + ":1b");
  h.writeSpec("estate.yaml", spec);
  // --record: what each plan saw is kept, as apply and the daemon keep it (a bare plan is a
  // read and starts from the records each time).
  Run first = h.run("plan -f specs --record");
  CHECK(first.out.find("timed out after 500 ms") != std::string::npos);
  for (int i = 0; i < 3; ++i) {
    Run again = h.run("plan -f specs --record");
    CHECK(again.out.find("circuit breaker open: no probe until") != std::string::npos);
    CHECK(again.out.find("deferred: host slow is pending_installation (never seen healthy)") !=
          std::string::npos);
  }
  sleep(3);  // let the simulator finish (and log) the one slow answer it was asked for
  CHECK(requests(log, sim.port(0), "GET", "/") == 1);  // one probe in four runs, none per model
  CHECK(requests(log, sim.port(0), "GET", "/api/tags") == 0);
  CHECK(hostNamed(hostsJson(h), "slow")["breaker"] == "open");
}

TEST_CASE("llm: a model an OpenAI-compatible host lacks is drift hxctl reports and never attempts",
          "[llm][e2e]") {
  std::string log = exchangeLog("openai");
  SimProcess sim({{"--vllm", "{PORT}", "--model", "Qwen/Qwen2.5-7B-Instruct"}}, log);
  CliHarness h("llm-openai", HX_BIN);
  h.writeSpec("estate.yaml", host("gpu", "openai", sim.port(0)) +
                                 model("qwen", "gpu", "Qwen/Qwen2.5-7B-Instruct") +
                                 model("mixtral", "gpu", "mixtral:8x7b"));
  Run r = h.run("apply --auto-approve -f specs");
  INFO(r.out << r.err);
  CHECK(r.code == 5);
  CHECK(r.out.find("! Model/mixtral") != std::string::npos);
  CHECK(r.out.find(
            "drift: host gpu does not serve mixtral:8x7b; an OpenAI-compatible server's models "
            "are fixed by its configuration") != std::string::npos);
  CHECK(r.out.find("Model/qwen") == std::string::npos);  // present: a no-op
  CHECK(r.out.find("Nothing to apply.") != std::string::npos);
  std::vector<Json> sent = hx::test::readExchanges(log);
  CHECK_FALSE(sent.empty());
  for (const Json& e : sent) CHECK(e["method"] == "GET");
  CHECK(requests(log, sim.port(0), "GET", "/v1/models") >= 1);
}

TEST_CASE("llm: llama-server answering 503 while loading is pending until it has loaded",
          "[llm][e2e]") {
  std::string log = exchangeLog("loading");
  SimProcess sim({{"--llama-server", "{PORT}", "--model", "yi-6b.gguf", "--loading-for", "2"}},
                 log);
  CliHarness h("llm-loading", HX_BIN);
  h.writeSpec("estate.yaml", host("llama", "openai", sim.port(0),
                                  "{interval: 1s, timeout: 500ms, failureThreshold: 5}") +
                                 model("yi", "llama", "yi-6b.gguf"));
  Json loading = hostNamed(hostsJson(h), "llama");
  CHECK(loading["status"] == "pending_installation");
  CHECK(loading["evidence"] == "GET /health -> 503 (still loading, or the engine is down)");
  CHECK(loading["http_status"] == 503);
  REQUIRE(waitFor([&] { return hostNamed(hostsJson(h), "llama")["status"] == "active"; }));
  Json loaded = hostNamed(hostsJson(h), "llama");
  CHECK(loaded["models"]["present"] == Json::array({"yi (yi-6b.gguf:latest)"}));
  CHECK(h.run("plan -f specs --detailed-exitcode").code == 0);
}

TEST_CASE("llm: prune deletes models hxctl pulled, never models that were already there",
          "[llm][e2e]") {
  std::string log = exchangeLog("prune");
  SimProcess sim({{"--ollama", "{PORT}", "--model", "llama3.1:8b", "--registry", "phi3:3.8b",
                   "--registry", "yi:6b"}},
                 log);
  CliHarness h("llm-prune", HX_BIN);
  std::string base = host("llm", "ollama", sim.port(0)) + model("phi3", "llm", "phi3:3.8b") +
                     model("general", "llm", "llama3.1:8b");
  h.writeSpec("estate.yaml", base + model("yi", "llm", "yi:6b"));
  Run first = h.run("apply --auto-approve -f specs");
  CHECK(first.code == 0);
  CHECK(requests(log, sim.port(0), "POST", "/api/pull") == 2);  // llama3.1:8b was already there
  h.writeSpec("estate.yaml", host("llm", "ollama", sim.port(0)));
  Run keep = h.run("plan -f specs");
  CHECK(keep.out.find("? Model/yi") != std::string::npos);
  CHECK(keep.out.find("? Model/general") != std::string::npos);
  // Both models hxctl pulled are gone from the specs: the mass-prune guard asks for the flag.
  Run guarded = h.run("apply --auto-approve -f specs --prune");
  CHECK(guarded.code == 5);
  CHECK(guarded.out.find("refused: --prune would delete 2 of the 2 Model objects") !=
        std::string::npos);
  CHECK(requests(log, sim.port(0), "DELETE", "/api/delete") == 0);
  Run pruned = h.run("apply --auto-approve -f specs --prune --allow-mass-prune");
  INFO(pruned.out << pruned.err);
  CHECK(pruned.code == 0);
  CHECK(pruned.out.find("- Model/yi") != std::string::npos);
  CHECK(pruned.out.find("- Model/phi3") != std::string::npos);
  CHECK(pruned.out.find("Model/general") != std::string::npos);  // listed as left alone
  CHECK(pruned.out.find("- Model/general") == std::string::npos);
  CHECK(requests(log, sim.port(0), "DELETE", "/api/delete") == 2);
  Json hosts = hostsJson(h);
  CHECK(hostNamed(hosts, "llm")["models"]["unmanaged"] == Json::array({"llama3.1:8b"}));
}

TEST_CASE(
    "llm: dropped connections and 5xx on /api/tags and /v1/models are retried, as Qdrant's "
    "requests are",
    "[llm][e2e][retry]") {
  std::string log = exchangeLog("retry");
  // Half of all API requests fail (health endpoints are spared): a drop mid-answer or a 500.
  SimProcess sim({{"--ollama", "{PORT}", "--model", "llama3.1:8b", "--drop-rate", "0.3",
                   "--error-rate", "0.2"},
                  {"--vllm", "{PORT}", "--model", "Qwen/Qwen2.5-7B-Instruct", "--drop-rate", "0.3",
                   "--error-rate", "0.2"}},
                 log);
  CliHarness h("llm-retry", HX_BIN);
  h.writeSpec("estate.yaml", host("ol", "ollama", sim.port(0)) +
                                 host("gpu", "openai", sim.port(1)) +
                                 model("general", "ol", "llama3.1:8b") +
                                 model("qwen", "gpu", "Qwen/Qwen2.5-7B-Instruct"));
  for (int i = 0; i < 3; ++i) {
    Run r = h.run("plan -f specs --detailed-exitcode");
    INFO(r.out << r.err);
    CHECK(r.code == 0);  // observed, and nothing to do
    CHECK(r.out.find("cannot observe") == std::string::npos);
  }
  auto injected = [&](const std::string& path) {
    return hx::test::countExchanges(
        log, [&](const Json& e) { return e["path"] == path && !e["injected"].is_null(); });
  };
  CHECK(injected("/api/tags") + injected("/v1/models") >= 1);  // failures happened, were retried
}

TEST_CASE("llm: escape sequences in a server's pull progress are shown as text, never obeyed",
          "[llm][e2e]") {
  // hx-sim's terminal-escapes: every status of the pull stream carries a window title, a screen
  // clear, a cursor move up, a carriage return and an 8-bit CSI. At aa18c52 apply printed them
  // raw (the progress line is the server's own status).
  SimProcess sim(
      {{"--ollama", "{PORT}", "--registry", "phi3:mini", "--hostile", "terminal-escapes"}},
      exchangeLog("escapes"));
  CliHarness h("llm-escapes", HX_BIN);
  h.writeSpec("estate.yaml", host("llm-primary", "ollama", sim.port(0)) +
                                 model("phi", "llm-primary", "phi3:mini"));
  auto r = h.run("apply --auto-approve -f specs");
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  const std::string all = r.out + r.err;
  CHECK(all.find_first_of("\x1b\x07\r") == std::string::npos);
  CHECK(all.find("\xc2\x9b") == std::string::npos);
  // What the server said is still there to read.
  CHECK(all.find("pulling manifest\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\x0dOK \\u009b31m") !=
        std::string::npos);
}
