// Health probes per api.type, over HTTP:
//   qdrant  GET /healthz, then /readyz (and / for the version);
//   ollama  GET / ("Ollama is running"), then /api/version;
//   openai  GET /health (vLLM, llama-server; 503: vLLM's engine is dead, llama-server is still
//           loading; a refused connection: vLLM still loading); without a flavor, a 404 there
//           falls back to GET /v1/models; flavor ollama is probed as Ollama (it has no /health);
//   http    GET <url> answers 2xx.
// Each probe also asks whether the machine is reachable at all (ICMP, or TCP where ICMP is not
// permitted: src/platform/reachability.h), which is what a pending_installation host can show.
// The status machine, thresholds and circuit breaker are reconciler/host_health.h's.
#pragma once

#include "reconciler/clock.h"
#include "reconciler/host_health.h"
#include "reconciler/provider.h"
#include "src/platform/http.h"
#include "src/platform/reachability.h"

namespace hx {

class HttpHostProber : public HostProber {
 public:
  // `reach`, when given, also probes each host's reachability (HostObservation::reach).
  HttpHostProber(HttpTransport& http, Clock& clock, ReachabilityProber* reach = nullptr)
      : http_(http), clock_(clock), reach_(reach) {}
  HostObservation probe(const Resource& host, const HostObservation& previous) override;

 private:
  ProbeResult check(const Resource& host, int64_t timeoutMs);

  HttpTransport& http_;
  Clock& clock_;
  ReachabilityProber* reach_;
};

// A Host's `reachability` as a probe spec: its port, or its named service's, else sshPort, else 22.
ReachSpec reachSpecOf(const Resource& host);

}  // namespace hx
