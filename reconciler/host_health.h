// The host status machine and its circuit breaker, as pure functions of the previous
// observation, a probe's result, the host's policy and the time.
//
//   pending_installation --(successThreshold successes)--> active
//   active --(failureThreshold consecutive failures)--> degraded
//   degraded --(successThreshold successes)--> active
//
// The breaker opens after failureThreshold consecutive failures (or one failed half-open probe);
// while open, no probe is sent until the cool-down has passed, so a dead host costs at most one
// probe timeout per cool-down, however many runs and resources there are.
#pragma once

#include <cstdint>
#include <string>

#include "reconciler/observed.h"
#include "reconciler/resource.h"

namespace hx {

struct HealthPolicy {
  int failureThreshold = 3;
  int successThreshold = 1;
  int64_t timeoutMs = 5000;
  int64_t intervalMs = 30000;
  int64_t coolDownMs = 30000;  // the breaker's; the probe interval
};

// From spec.health, with the defaults above.
HealthPolicy healthPolicyOf(const Resource& host);

struct ProbeResult {
  bool ok = false;
  int httpStatus = 0;  // 0 when no answer (refused, timeout)
  int64_t latencyMs = 0;
  std::string error;    // what failed, when !ok
  std::string version;  // what the host reported, when known
};

// True when a probe may be sent now; false while the breaker is open and cooling down.
bool probeAllowed(const HostObservation& previous, const HealthPolicy& policy, int64_t nowMs);

// The observation after a probe was sent and answered (or not).
HostObservation afterProbe(const HostObservation& previous, const ProbeResult& result,
                           const HealthPolicy& policy, int64_t nowMs);

// The observation when the breaker withheld the probe: unchanged status, evidence says so.
HostObservation afterWithheldProbe(const HostObservation& previous, const HealthPolicy& policy);

}  // namespace hx
