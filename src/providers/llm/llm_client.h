// The calls the checks make to an LLM host, in its dialect (llm_dialect.h): a JSON POST with the
// host's own credential, embeddings, and a warm-up that loads a model before anything is timed.
#pragma once

#include <string>
#include <vector>

#include "reconciler/clock.h"
#include "reconciler/status.h"
#include "src/platform/http.h"
#include "src/providers/llm/llm_dialect.h"

namespace hx {

class LlmClient {
 public:
  // How long a model may take to load before a call gives up on it: Ollama's own load timeout
  // (OLLAMA_LOAD_TIMEOUT, 5 minutes by default).
  static constexpr int64_t kLoadTimeoutMs = 300000;

  LlmClient(HttpTransport& http, Clock& clock, LlmEndpoint endpoint)
      : http_(http), clock_(clock), endpoint_(std::move(endpoint)) {}

  const LlmEndpoint& endpoint() const { return endpoint_; }

  // POSTs the call and parses the answer; errors name the route and quote the server.
  Result<Json> send(const LlmCall& call, int64_t timeoutMs);
  // One vector per text, or an error when the server answered with another count.
  Result<std::vector<std::vector<double>>> embed(const std::string& model,
                                                 const std::vector<std::string>& texts);
  // Loads the model with a request that is not timed, so that a latency check measures
  // serving, not loading. Returns how long the warm-up took.
  Result<int64_t> warmUp(const std::string& model, bool embeds);

 private:
  HttpTransport& http_;
  Clock& clock_;
  LlmEndpoint endpoint_;
};

}  // namespace hx
