// The host clients in-process, on a scripted transport and a manual clock: what they send, what
// they make of each answer, and the one retry policy, with no socket and no real sleep.
#include <catch2/catch.hpp>

#include "fakes/manual_clock.h"
#include "fakes/scripted_http.h"
#include "reconciler/kinds.h"
#include "src/platform/http.h"
#include "src/providers/host_endpoint.h"
#include "src/providers/llm/llm_client.h"
#include "src/providers/llm/ollama_api.h"
#include "src/providers/qdrant/qdrant_api.h"

using namespace hx;
using fake::ScriptedHttp;

TEST_CASE("qdrant client: the envelope's result, the api-key header, and the body it sends",
          "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on("GET", "/collections",
          {ScriptedHttp::json(200, R"({"result":{"collections":[{"name":"a"},{"name":"b"}]},)"
                                   R"("status":"ok","time":0.001})")});
  http.on("PUT", "/collections/docs",
          {ScriptedHttp::json(200, R"({"result":true,"status":"ok","time":0.01})")});
  QdrantApi api(http, clock, "http://127.0.0.1:6333", "the-key");
  auto names = api.listCollections();
  REQUIRE(names);
  CHECK(names.value() == std::vector<std::string>{"a", "b"});
  REQUIRE(api.createCollection("docs", Json{{"vectors", {{"size", 4}, {"distance", "Dot"}}}}));
  auto sent = http.requests();
  REQUIRE(sent.size() == 2);
  bool keyed = false;
  for (const auto& [k, v] : sent[0].headers) keyed = keyed || (k == "api-key" && v == "the-key");
  CHECK(keyed);
  CHECK(Json::parse(sent[1].body)["vectors"]["size"] == 4);
}

TEST_CASE("qdrant client: 5xx and dropped connections are retried with back-off, then reported",
          "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on("GET", "/collections",
          {ScriptedHttp::drop(),
           ScriptedHttp::json(503, R"({"status":{"error":"Service unavailable"},"time":0})"),
           ScriptedHttp::json(200, R"({"result":{"collections":[]},"status":"ok","time":0})")});
  QdrantApi api(http, clock, "http://127.0.0.1:6333", "");
  auto names = api.listCollections();
  REQUIRE(names);
  CHECK(http.count("GET", "/collections") == 3);
  CHECK(clock.slept() > 0);  // backed off between attempts, on the injected clock

  ScriptedHttp down;
  down.on("GET", "/collections", {ScriptedHttp::drop()});
  QdrantApi failing(down, clock, "http://127.0.0.1:6333", "");
  auto gone = failing.listCollections();
  REQUIRE_FALSE(gone);
  CHECK(gone.status().kind() == ErrorKind::kUnavailable);
  CHECK(gone.status().message().find("(after 5 attempts)") != std::string::npos);
  CHECK(down.count("GET", "/collections") == 5);
}

TEST_CASE("qdrant client: auth failures are plain text and are not retried", "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on("GET", "/collections", {ScriptedHttp::text(401, "Invalid API key or JWT")});
  http.on(
      "PUT", "/collections/x",
      {ScriptedHttp::json(
          403, R"({"status":{"error":"Forbidden: Global manage access is required"},"time":0})")});
  QdrantApi api(http, clock, "http://127.0.0.1:6333", "wrong");
  auto r = api.listCollections();
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == ErrorKind::kTerminal);
  CHECK(r.status().message().find("Invalid API key or JWT") != std::string::npos);
  CHECK(http.count("GET", "/collections") == 1);
  Status s = api.createCollection("x", Json::object());
  REQUIRE_FALSE(s);
  CHECK(s.message().find("Forbidden: Global manage access is required") != std::string::npos);
  CHECK(clock.slept() == 0);
}

TEST_CASE("ollama client: tags are retried after a drop, and a malformed list is named, not used",
          "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on("GET", "/api/tags",
          {ScriptedHttp::drop(),
           ScriptedHttp::json(200, R"({"models":[{"name":"mixtral:8x7b","digest":"abc",)"
                                   R"("size":26000000000}]})"),
           ScriptedHttp::json(200, R"({"models":[{"name":"phi3:3.8b"},{"name":null}]})")});
  OllamaApi api(http, clock, "http://127.0.0.1:11434");
  auto tags = api.tags();
  REQUIRE(tags);
  REQUIRE(tags.value().size() == 1);
  CHECK(tags.value()[0].name == "mixtral:8x7b");
  CHECK(tags.value()[0].size == 26000000000);
  CHECK(http.count("GET", "/api/tags") == 2);
  // A complete answer that is wrong is not retried: the server would say the same again.
  auto odd = api.tags();
  REQUIRE_FALSE(odd);
  CHECK(odd.status().kind() == ErrorKind::kUnavailable);
  CHECK(odd.status().message() == "GET /api/tags: `models[1].name` is not a model name (null)");
  CHECK(http.count("GET", "/api/tags") == 3);
}

TEST_CASE("ollama client: a pull succeeds only on its success line, and an error line fails it",
          "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on("POST", "/api/pull",
          {ScriptedHttp::json(200,
                              "{\"status\":\"pulling manifest\"}\n"
                              "{\"status\":\"pulling abc\",\"total\":100,\"completed\":50}\n"
                              "{\"status\":\"success\"}\n"),
           ScriptedHttp::json(200,
                              "{\"status\":\"pulling manifest\"}\n"
                              "{\"error\":\"pull model manifest: file does not exist\"}\n"),
           ScriptedHttp::json(200, "{\"status\":\"pulling manifest\"}\n")});
  OllamaApi api(http, clock, "http://127.0.0.1:11434");
  std::vector<std::string> seen;
  auto listener = [&](const std::string& status, int64_t, int64_t) { seen.push_back(status); };
  CHECK(api.pull("mixtral:8x7b", 60000, listener));
  CHECK(seen.back() == "success");
  Status missing = api.pull("nope:1b", 60000, listener);
  REQUIRE_FALSE(missing);
  CHECK(missing.kind() == ErrorKind::kTerminal);
  Status cut = api.pull("cut:1b", 60000, listener);  // the stream ended before success
  REQUIRE_FALSE(cut);
  CHECK(cut.kind() == ErrorKind::kTransient);
}

TEST_CASE("qdrant client: probe points are written and removed with wait=true, names escaped",
          "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  const std::string ok = R"({"result":{"operation_id":1,"status":"completed"},"status":"ok"})";
  http.on("PUT", "/collections/a%20b/points?wait=true", {ScriptedHttp::json(200, ok)});
  http.on(
      "POST", "/collections/a%20b/points/query",
      {ScriptedHttp::json(200, R"({"result":{"points":[{"id":7,"score":1.0}]},"status":"ok"})")});
  http.on("POST", "/collections/a%20b/points/delete?wait=true", {ScriptedHttp::json(200, ok)});
  QdrantApi api(http, clock, "http://127.0.0.1:6333", "");
  REQUIRE(api.upsertPoints("a b", Json::parse(R"([{"id":7,"vector":[0.1,0.2]}])")));
  auto hit = api.queryPoints("a b", Json{{"query", {0.1, 0.2}}, {"limit", 1}});
  REQUIRE(hit);
  CHECK(hit.value()["points"][0]["id"] == 7);
  REQUIRE(api.deletePoints("a b", Json::array({7})));
  auto sent = http.requests();
  REQUIRE(sent.size() == 3);
  CHECK(Json::parse(sent[0].body)["points"][0]["id"] == 7);
  CHECK(Json::parse(sent[2].body) == Json::parse(R"({"points":[7]})"));
  CHECK(QdrantApi::queryPath("a b") == "/collections/a%20b/points/query");
}

TEST_CASE(
    "llm client: embeddings in the host's dialect, with its credential, and a short answer fails",
    "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on("POST", "/v1/embeddings",
          {ScriptedHttp::json(200, R"({"data":[{"index":0,"embedding":[0.5,0.25]}]})"),
           ScriptedHttp::json(200, R"({"data":[{"index":0,"embedding":[0.5,0.25]}]})")});
  LlmEndpoint e;
  e.root = "http://127.0.0.1:8000";
  e.flavor = "vllm";
  e.auth = {{"Authorization", "Bearer sk-test"}};
  LlmClient llm(http, clock, e);
  auto one = llm.embed("bge", {"a"});
  REQUIRE(one);
  CHECK(one.value() == std::vector<std::vector<double>>{{0.5, 0.25}});
  auto sent = http.requests();
  REQUIRE(sent.size() == 1);
  bool bearer = false;
  for (const auto& [k, v] : sent[0].headers)
    bearer = bearer || (k == "Authorization" && v == "Bearer sk-test");
  CHECK(bearer);
  CHECK(Json::parse(sent[0].body)["model"] == "bge");

  auto two = llm.embed("bge", {"a", "b"});
  REQUIRE_FALSE(two);
  CHECK(two.status().message() == "POST /v1/embeddings: asked for 2 embeddings, got 1");
}

TEST_CASE("llm client: a warm-up loads the model untimed on Ollama, and an error quotes the server",
          "[unit][clients]") {
  fake::ManualClock clock;
  ScriptedHttp http;
  http.on(
      "POST", "/api/generate",
      {ScriptedHttp::json(200, R"({"model":"m","response":"","done":true,"done_reason":"load"})"),
       ScriptedHttp::json(404, R"({"error":"model \"m\" not found, try pulling it first"})")});
  LlmEndpoint e;
  e.root = "http://127.0.0.1:11434";
  e.ollamaApi = e.ollamaServer = true;
  e.flavor = "ollama";
  LlmClient llm(http, clock, e);
  auto warmed = llm.warmUp("m", false);
  REQUIRE(warmed);
  CHECK(Json::parse(http.requests()[0].body)["prompt"] == "");
  auto failed = llm.warmUp("m", false);
  REQUIRE_FALSE(failed);
  CHECK(failed.status().message() ==
        "POST /api/generate: HTTP 404: model \"m\" not found, try pulling it first");
}

TEST_CASE("host endpoints: which declared host serves a URL, and the header it takes a key in",
          "[unit][clients]") {
  DesiredState desired;
  Resource q;
  q.id = {kind::kHost, "vdb"};
  q.spec = Json::parse(R"({"api":{"type":"qdrant","url":"http://127.0.0.1:6333/"}})");
  Resource o;
  o.id = {kind::kHost, "gpu"};
  o.spec = Json::parse(R"({"api":{"type":"openai","url":"http://127.0.0.1:8000/v1"}})");
  desired.resources = {q, o};
  const Resource* served = hostServing(desired, "http://127.0.0.1:6333/collections");
  REQUIRE(served);
  CHECK(served->id.name == "vdb");
  CHECK_FALSE(hostServing(desired, "http://127.0.0.1:63330/collections"));
  const Resource* llm = hostServing(desired, "http://127.0.0.1:8000/v1/models");
  REQUIRE(llm);
  CHECK(llm->id.name == "gpu");
  CHECK(keyHeaderOf(*served) == "api-key");
  CHECK(keyHeaderOf(*llm) == "Authorization");
  CHECK(hostAuthFor(desired, "http://127.0.0.1:6333/collections").empty());  // no api.auth
}

TEST_CASE("a request header with CR or LF is refused before any connection", "[http]") {
  CurlTransport http(true);
  HttpRequest req;
  req.url = "http://127.0.0.1:9/";  // discard: never reached
  req.headers.emplace_back("api-key", "abc\r\nX-Injected: yes");
  auto r = http.send(req);
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == ErrorKind::kInvalidSpec);
  CHECK(r.status().message() ==
        "request header api-key holds a control character (CR, LF or similar); not sent");
  req.headers = {{"X-Bad\nName", "v"}};
  REQUIRE_FALSE(http.send(req));
  req.headers = {{"X-Tab", "a\tb"}};  // a tab is allowed in a field value
  auto sent = http.send(req);
  CHECK((sent || sent.status().kind() != ErrorKind::kInvalidSpec));
}
