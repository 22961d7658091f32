// Ollama's native API (from Ollama's server/routes.go, api/types.go and docs/api.md): models on
// disk, streaming pulls, deletes. Errors keep Ollama's {"error": "..."} text.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "reconciler/clock.h"
#include "reconciler/resource.h"
#include "reconciler/status.h"
#include "src/platform/http.h"

namespace hx {

struct OllamaModel {
  std::string name;    // as /api/tags shows it: "mixtral:8x7b"
  std::string digest;  // 64 hex, no prefix
  int64_t size = 0;
};

class OllamaApi {
 public:
  // Reports the latest status line of a pull: status, bytes completed and total of its layer.
  using PullListener = std::function<void(const std::string&, int64_t, int64_t)>;

  OllamaApi(HttpTransport& http, Clock& clock, std::string baseUrl, int64_t timeoutMs = 10000)
      : http_(http), clock_(clock), baseUrl_(std::move(baseUrl)), timeoutMs_(timeoutMs) {}

  // Retried by the host retry policy (src/providers/host_retry.h), as DELETE is.
  Result<std::vector<OllamaModel>> tags();
  // Streams POST /api/pull. Succeeds only on a {"status":"success"} line. An {"error"} line
  // fails (kTerminal when the model does not exist, kUnavailable otherwise), so does EOF before
  // success (kTransient: pulls resume), and so does no progress (no new status, no growth of
  // `completed`) for `stallMs` (kUnavailable).
  Status pull(const std::string& model, int64_t stallMs, const PullListener& listener);
  // DELETE /api/delete; a model that is already gone is not an error.
  Status remove(const std::string& model);

  // POST with a JSON body, returning the parsed JSON answer or Ollama's error (for the checks).
  Result<Json> post(const std::string& path, const Json& body, int64_t timeoutMs);

 private:
  Result<std::vector<OllamaModel>> tagsOnce();
  Status removeOnce(const std::string& model);

  HttpTransport& http_;
  Clock& clock_;
  std::string baseUrl_;
  int64_t timeoutMs_;
};

// Classifies Ollama's answer: 5xx (queue full, runner crash) is transient; 4xx and 501
// ("does not support embeddings") are configuration errors: terminal, never retried.
Status ollamaError(const std::string& what, const HttpResponse& response);

}  // namespace hx
