#include "src/providers/llm/llm_dialect.h"

#include "reconciler/identity.h"
#include "src/platform/secrets.h"
#include "src/providers/json_read.h"

namespace hx {

std::string apiRoot(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0) url.resize(url.size() - 3);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

LlmEndpoint llmEndpointOf(const Resource& host) {
  LlmEndpoint e;
  const Json& api = jread::object(host.spec, "api");
  std::string type = jread::textOr(api, "type", "");
  e.flavor = type == "ollama" ? "ollama" : jread::textOr(api, "flavor", "");
  e.ollamaApi = type == "ollama";
  e.ollamaServer = e.flavor == "ollama";
  std::string url = jread::textOr(api, "url", "");
  if (e.ollamaApi)
    while (!url.empty() && url.back() == '/') url.pop_back();
  else
    url = apiRoot(url);
  e.root = url;
  if (const Json* auth = jread::field(api, "auth")) {
    // Every OpenAI-compatible server, and a proxy in front of Ollama, takes a Bearer token.
    if (auto secret = readSecret(*auth)) e.auth = {{"Authorization", "Bearer " + secret.value()}};
  }
  return e;
}

std::string requestModelName(const Resource& model, const LlmEndpoint& e) {
  return e.ollamaApi ? objectKey(model) : jread::textOr(model.spec, "model", "");
}

LlmCall generationCall(const LlmEndpoint& e, const std::string& model, const std::string& prompt,
                       int maxTokens, bool think) {
  if (e.ollamaApi)
    return {"/api/generate", Json{{"model", model},
                                  {"prompt", prompt},
                                  {"stream", false},
                                  {"think", think},
                                  {"options", {{"num_predict", maxTokens}}}}};
  return {"/v1/chat/completions",
          Json{{"model", model},
               {"messages", Json::array({{{"role", "user"}, {"content", prompt}}})},
               {"max_tokens", maxTokens},
               {"stream", false}}};
}

LlmCall warmUpCall(const LlmEndpoint& e, const std::string& model, bool embeds) {
  if (embeds) return embeddingCall(e, model, {"warm"});
  if (e.ollamaApi)
    return {"/api/generate",
            Json{{"model", model}, {"prompt", ""}, {"stream", false}, {"think", false}}};
  return generationCall(e, model, "hi", 1, false);
}

LlmCall embeddingCall(const LlmEndpoint& e, const std::string& model,
                      const std::vector<std::string>& texts) {
  if (e.ollamaApi) return {"/api/embed", Json{{"model", model}, {"input", texts}}};
  return {"/v1/embeddings", Json{{"model", model}, {"input", texts}}};
}

Result<Generation> readGeneration(const LlmEndpoint& e, const Json& answer) {
  Generation g;
  if (!answer.is_object())
    return Status::error(ErrorKind::kTerminal,
                         "the answer is " + jread::describe(&answer) + ", not an object");
  if (e.ollamaApi) {
    const Json* response = jread::field(answer, "response");
    if (!response || !response->is_string())
      return Status::error(ErrorKind::kTerminal,
                           "`response` is " + jread::describe(response) + ", not a string");
    g.content = response->get<std::string>();
    g.reasoning = jread::textOr(answer, "thinking", "");
    g.finishReason = jread::textOr(answer, "done_reason", "");
    g.loadMs = jread::integerOr(answer, "load_duration", 0) / 1000000;  // ns
    return g;
  }
  const Json* choice = jread::element(jread::array(answer, "choices"), 0);
  if (!choice || !choice->is_object())
    return Status::error(ErrorKind::kTerminal,
                         "`choices[0]` is " + jread::describe(choice) + ", not an object");
  const Json* message = jread::field(*choice, "message");
  if (!message || !message->is_object())
    return Status::error(ErrorKind::kTerminal,
                         "`choices[0].message` is " + jread::describe(message) + ", not an object");
  const Json* content = jread::field(*message, "content");
  if (content && content->is_string())
    g.content = content->get<std::string>();
  else if (!content || content->is_null())
    g.contentNull = true;
  else
    return Status::error(ErrorKind::kTerminal, "`choices[0].message.content` is " +
                                                   jread::describe(content) + ", not a string");
  // vLLM: `reasoning_content` (older builds) or `reasoning` (newer ones).
  g.reasoning =
      jread::textOr(*message, "reasoning_content", jread::textOr(*message, "reasoning", ""));
  g.finishReason = jread::textOr(*choice, "finish_reason", "");
  return g;
}

Result<std::vector<std::vector<double>>> readEmbeddings(const LlmEndpoint& e, const Json& answer) {
  std::vector<std::vector<double>> out;
  if (e.ollamaApi) {
    const Json* list = jread::field(answer, "embeddings");
    if (!list || !list->is_array())
      return Status::error(ErrorKind::kTerminal,
                           "`embeddings` is " + jread::describe(list) + ", not an array");
    for (size_t i = 0; i < list->size(); ++i) {
      auto v = jread::numbers((*list)[i]);
      if (!v)
        return Status::error(ErrorKind::kTerminal, "`embeddings[" + std::to_string(i) + "]` is " +
                                                       jread::describe(&(*list)[i]) +
                                                       ", not an array of numbers");
      out.push_back(std::move(*v));
    }
    return out;
  }
  const Json* data = jread::field(answer, "data");
  if (!data || !data->is_array())
    return Status::error(ErrorKind::kTerminal,
                         "`data` is " + jread::describe(data) + ", not an array");
  for (size_t i = 0; i < data->size(); ++i) {
    const Json* v = jread::field((*data)[i], "embedding");
    auto numbers = v ? jread::numbers(*v) : std::nullopt;
    if (!numbers)
      return Status::error(ErrorKind::kTerminal, "`data[" + std::to_string(i) + "].embedding` is " +
                                                     jread::describe(v) +
                                                     ", not an array of numbers");
    out.push_back(std::move(*numbers));
  }
  return out;
}

}  // namespace hx
