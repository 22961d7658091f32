// Health probes per api.type, over HTTP:
//   qdrant  GET /healthz, then /readyz (and / for the version);
//   ollama  GET / ("Ollama is running"), then /api/version;
//   openai  GET /health (vLLM, llama-server); 503 or a refused connection = still loading;
//   http    GET <url> answers 2xx.
// Status: pending_installation until first healthy, then active; degraded when an active host
// fails. Thresholds, breaker and transition history arrive with issue 4.
#pragma once

#include "reconciler/clock.h"
#include "reconciler/provider.h"
#include "src/http.h"

namespace hx {

class HttpHostProber : public HostProber {
 public:
  HttpHostProber(HttpTransport& http, Clock& clock) : http_(http), clock_(clock) {}
  HostObservation probe(const Resource& host, const HostObservation& previous) override;

 private:
  // Empty when healthy, else what failed. Fills `detail` with what the host said (version).
  std::string check(const Resource& host, std::string* detail);

  HttpTransport& http_;
  Clock& clock_;
};

}  // namespace hx
