// Reading host answers without trusting them (src/providers/json_read.h) and each LLM server's
// dialect (src/providers/llm/llm_dialect.h): what is sent, and what is made of what comes back,
// however odd.
#include <catch2/catch.hpp>

#include "src/providers/json_read.h"
#include "src/providers/llm/llm_dialect.h"

using namespace hx;

namespace {
Resource hostResource(const std::string& api) {
  Resource r;
  r.id = {"Host", "h"};
  r.spec = Json::parse(R"({"address": "127.0.0.1", "api": )" + api + "}");
  return r;
}
Resource modelResource(const std::string& name) {
  Resource r;
  r.id = {"Model", "m"};
  r.spec = {{"host", "h"}, {"model", name}, {"capability", "generate"}};
  return r;
}
}  // namespace

TEST_CASE("json_read: missing, null and mistyped fields are values, never exceptions",
          "[unit][json]") {
  Json j = Json::parse(R"({"s": "x", "n": null, "i": 768.0, "f": 1.5, "b": true, "a": [1, "2"],
                           "big": 18446744073709551615, "o": {"k": 1}})");
  CHECK(jread::text(j, "s") == std::optional<std::string>("x"));
  CHECK_FALSE(jread::text(j, "n"));
  CHECK_FALSE(jread::text(j, "i"));
  CHECK_FALSE(jread::text(j, "missing"));
  CHECK(jread::integer(j, "i") == std::optional<int64_t>(768));
  CHECK_FALSE(jread::integer(j, "f"));
  CHECK_FALSE(jread::integer(j, "big"));  // beyond int64
  CHECK(jread::boolean(j, "b") == std::optional<bool>(true));
  CHECK(jread::array(j, "o").empty());
  CHECK(jread::object(j, "a").empty());
  CHECK_FALSE(jread::numbers(j["a"]));
  CHECK(jread::describe(jread::field(j, "n")) == "null");
  CHECK(jread::describe(jread::field(j, "a")) == "an array of 2");
  CHECK(jread::describe(nullptr) == "missing");
  // Not an object at all: every accessor still answers.
  for (const Json& odd : {Json(), Json(42), Json("text"), Json::array({1, 2})}) {
    CHECK_FALSE(jread::text(odd, "s"));
    CHECK(jread::field(odd, "s") == nullptr);
    CHECK(jread::array(odd, "a").empty());
  }
}

TEST_CASE("json_read: names are bounded, bodies that are not JSON say what they are",
          "[unit][json]") {
  Json j = {{"ok", "mixtral:8x7b"}, {"long", std::string(300, 'x')}, {"ctl", "a\nb"}, {"e", ""}};
  CHECK(jread::name(j, "ok", 255) == std::optional<std::string>("mixtral:8x7b"));
  CHECK_FALSE(jread::name(j, "long", 255));
  CHECK_FALSE(jread::name(j, "ctl", 255));
  CHECK_FALSE(jread::name(j, "e", 255));
  HttpResponse html{200, "text/html", "<html><body>\xff Bad Gateway</body></html>", 0};
  auto parsed = jread::parseBody("GET /api/tags", html);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.status().message() ==
        "GET /api/tags: HTTP 200 answered 39 bytes that are not JSON (text/html): "
        "\"<html><body>. Bad Gateway</body></html>\"");
  auto empty = jread::parseBody("GET /x", HttpResponse{200, "", "", 0});
  CHECK(empty.status().message() == "GET /x: HTTP 200 with an empty body");
  CHECK(jread::excerpt(std::string(200, 'a'), 10) == "aaaaaaaaaa...");
}

TEST_CASE("dialect: each server gets its own probe root, credential, model name and request",
          "[unit][dialect]") {
  Resource ollama = hostResource(R"({"type": "ollama", "url": "http://127.0.0.1:11434/"})");
  Resource vllm = hostResource(R"({"type": "openai", "flavor": "vllm",
                                   "url": "http://127.0.0.1:8000/v1/"})");
  Resource ollamaV1 = hostResource(R"({"type": "openai", "flavor": "ollama",
                                       "url": "http://127.0.0.1:11434/v1"})");
  LlmEndpoint o = llmEndpointOf(ollama), v = llmEndpointOf(vllm), ov = llmEndpointOf(ollamaV1);
  CHECK(o.root == "http://127.0.0.1:11434");
  CHECK(v.root == "http://127.0.0.1:8000");
  CHECK(ov.root == "http://127.0.0.1:11434");
  CHECK(o.ollamaApi);
  CHECK_FALSE(v.ollamaApi);
  CHECK_FALSE(ov.ollamaApi);  // declared OpenAI-compatible: spoken to through /v1
  CHECK(ov.ollamaServer);     // but probed as the Ollama it is
  Resource qwen = modelResource("Qwen/Qwen2.5-7B-Instruct");
  CHECK(requestModelName(qwen, v) == "Qwen/Qwen2.5-7B-Instruct");
  CHECK(requestModelName(modelResource("Mixtral"), o) == "mixtral:latest");

  LlmCall chat = generationCall(v, "Qwen/Qwen2.5-7B-Instruct", "hi", 16, false);
  CHECK(chat.path == "/v1/chat/completions");
  CHECK(chat.body["messages"][0]["content"] == "hi");
  CHECK_FALSE(chat.body.contains("prompt"));
  CHECK(chat.body["max_tokens"] == 16);
  LlmCall gen = generationCall(o, "deepseek-r1:14b", "hi", 16, false);
  CHECK(gen.path == "/api/generate");
  CHECK(gen.body["think"] == false);
  CHECK(gen.body["options"]["num_predict"] == 16);
  CHECK(warmUpCall(o, "m:latest", false).body["prompt"] == "");
  CHECK(embeddingCall(v, "e5", {"a"}).path == "/v1/embeddings");
}

TEST_CASE("dialect: answers with null content, thinking, or the wrong shape are results",
          "[unit][dialect]") {
  LlmEndpoint v = llmEndpointOf(hostResource(R"({"type": "openai", "url": "http://x:1"})"));
  LlmEndpoint o = llmEndpointOf(hostResource(R"({"type": "ollama", "url": "http://x:1"})"));
  auto reasoning = readGeneration(
      v, Json::parse(R"({"choices": [{"message": {"role": "assistant", "content": null,
                          "reasoning_content": "Okay, the user"}, "finish_reason": "length"}]})"));
  REQUIRE(reasoning);
  CHECK(reasoning.value().contentNull);
  CHECK(reasoning.value().reasoning == "Okay, the user");
  CHECK(reasoning.value().finishReason == "length");
  auto thinking =
      readGeneration(o, Json{{"response", ""}, {"thinking", "hmm"}, {"load_duration", 1500000000}});
  REQUIRE(thinking);
  CHECK(thinking.value().content.empty());
  CHECK(thinking.value().reasoning == "hmm");
  CHECK(thinking.value().loadMs == 1500);
  auto noChoices = readGeneration(v, Json{{"choices", nullptr}});
  REQUIRE_FALSE(noChoices);
  CHECK(noChoices.status().message() == "`choices[0]` is missing, not an object");
  auto numberContent =
      readGeneration(v, Json::parse(R"({"choices": [{"message": {"content": 7}}]})"));
  REQUIRE_FALSE(numberContent);
  CHECK(numberContent.status().message() ==
        "`choices[0].message.content` is a number, not a string");
  auto response = readGeneration(o, Json{{"response", nullptr}});
  CHECK(response.status().message() == "`response` is null, not a string");
  auto vectors = readEmbeddings(o, Json{{"embeddings", {{0.1, 0.2}, {0.3, "x"}}}});
  REQUIRE_FALSE(vectors);
  CHECK(vectors.status().message() == "`embeddings[1]` is an array of 2, not an array of numbers");
  auto openaiVectors = readEmbeddings(v, Json::parse(R"({"data": [{"embedding": [0.5, 0.25]}]})"));
  REQUIRE(openaiVectors);
  CHECK(openaiVectors.value()[0] == std::vector<double>{0.5, 0.25});
}
