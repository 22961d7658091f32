// Models on LLM hosts. On Ollama hxctl pulls what is missing and (with prune) deletes what it
// pulled; on OpenAI-compatible servers the model set is fixed by the server's configuration, so
// hxctl only observes (the planner reports what is missing as drift it cannot fix).
#pragma once

#include <string>

#include "reconciler/provider.h"
#include "src/platform/http.h"
#include "src/providers/llm/ollama_api.h"
#include "src/providers/pull_reporter.h"

namespace hx {

class OllamaModelProvider : public Provider {
 public:
  OllamaModelProvider(OllamaApi& api, PullReporter& progress, int64_t stallMs)
      : api_(api), progress_(progress), stallMs_(stallMs) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  Status pull(const PlanAction& action);
  Status verifyEmbedding(const PlanAction& action);

  OllamaApi& api_;
  PullReporter& progress_;
  int64_t stallMs_;
};

class OpenAiModelProvider : public Provider {
 public:
  OpenAiModelProvider(HttpTransport& http, Clock& clock, std::string baseUrl, std::string apiKey,
                      int64_t timeoutMs)
      : http_(http),
        clock_(clock),
        baseUrl_(std::move(baseUrl)),
        apiKey_(std::move(apiKey)),
        timeoutMs_(timeoutMs) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  Result<std::vector<ObservedObject>> observeOnce(const std::string& host);

  HttpTransport& http_;
  Clock& clock_;
  std::string baseUrl_;
  std::string apiKey_;
  int64_t timeoutMs_;
};

}  // namespace hx
