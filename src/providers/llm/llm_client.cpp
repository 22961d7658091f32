#include "src/providers/llm/llm_client.h"

#include "src/providers/json_read.h"

namespace hx {

Result<Json> LlmClient::send(const LlmCall& call, int64_t timeoutMs) {
  HttpRequest req;
  req.method = "POST";
  req.url = endpoint_.root + call.path;
  req.timeoutMs = timeoutMs;
  req.body = call.body.dump();
  req.headers = endpoint_.auth;
  req.headers.emplace_back("Content-Type", "application/json");
  const std::string what = "POST " + call.path;
  auto r = http_.send(req);
  if (!r) return Status::error(r.status().kind(), what + ": " + r.status().message());
  if (r.value().status < 200 || r.value().status >= 300)
    return Status::error(ErrorKind::kTerminal, what + ": HTTP " + std::to_string(r.value().status) +
                                                   ": " + jread::serverError(r.value().body));
  return jread::parseBody(what, r.value());
}

Result<std::vector<std::vector<double>>> LlmClient::embed(const std::string& model,
                                                          const std::vector<std::string>& texts) {
  LlmCall call = embeddingCall(endpoint_, model, texts);
  auto answer = send(call, 60000);
  if (!answer) return answer.status();
  auto vectors = readEmbeddings(endpoint_, answer.value());
  if (!vectors)
    return Status::error(vectors.status().kind(),
                         "POST " + call.path + ": " + vectors.status().message());
  if (vectors.value().size() != texts.size())
    return Status::error(ErrorKind::kTerminal,
                         "POST " + call.path + ": asked for " + std::to_string(texts.size()) +
                             " embeddings, got " + std::to_string(vectors.value().size()));
  return vectors;
}

Result<int64_t> LlmClient::warmUp(const std::string& model, bool embeds) {
  int64_t start = clock_.nowMillis();
  auto answer = send(warmUpCall(endpoint_, model, embeds), kLoadTimeoutMs);
  if (!answer) return answer.status();
  return clock_.nowMillis() - start;
}

}  // namespace hx
