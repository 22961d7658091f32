#include "reconciler/host_health.h"

#include "reconciler/values.h"

namespace hx {

HealthPolicy healthPolicyOf(const Resource& host) {
  HealthPolicy p;
  auto ms = [&](const char* field, int64_t fallback) {
    const Json* v = host.field(std::string("health.") + field);
    return v && v->is_string() ? parseDurationMs(v->get<std::string>()).value_or(fallback)
                               : fallback;
  };
  p.timeoutMs = ms("timeout", p.timeoutMs);
  p.intervalMs = ms("interval", p.intervalMs);
  p.coolDownMs = p.intervalMs;
  if (const Json* f = host.field("health.failureThreshold")) p.failureThreshold = f->get<int>();
  if (const Json* s = host.field("health.successThreshold")) p.successThreshold = s->get<int>();
  return p;
}

bool probeAllowed(const HostObservation& previous, const HealthPolicy& policy, int64_t nowMs) {
  return previous.breaker != BreakerState::kOpen ||
         nowMs >= previous.breakerOpenedMs + policy.coolDownMs;
}

HostObservation afterProbe(const HostObservation& previous, const ProbeResult& result,
                           const HealthPolicy& policy, int64_t nowMs) {
  HostObservation h = previous;
  h.lastProbeMs = nowMs;
  h.latencyMs = result.latencyMs;
  h.httpStatus = result.httpStatus;
  if (!result.version.empty()) h.version = result.version;
  const bool halfOpen = previous.breaker == BreakerState::kOpen;  // cool-down over: a trial probe
  if (result.ok) {
    ++h.successes;
    h.failures = 0;
    h.breaker = BreakerState::kClosed;
    h.breakerOpenedMs = 0;
    h.evidence = "healthy in " + std::to_string(result.latencyMs) + " ms" +
                 (h.version.empty() ? "" : " (" + h.version + ")");
  } else {
    ++h.failures;
    h.successes = 0;
    h.evidence = result.error;
    if (halfOpen || h.failures >= policy.failureThreshold) {
      h.breaker = BreakerState::kOpen;
      h.breakerOpenedMs = nowMs;
    }
  }
  HostStatus next = previous.status;
  if (result.ok && previous.status != HostStatus::kActive && h.successes >= policy.successThreshold)
    next = HostStatus::kActive;
  if (!result.ok && previous.status == HostStatus::kActive && h.failures >= policy.failureThreshold)
    next = HostStatus::kDegraded;
  if (next != previous.status || (next == HostStatus::kActive && previous.since == 0)) {
    h.status = next;
    h.since = nowMs / 1000;
  }
  return h;
}

HostObservation afterWithheldProbe(const HostObservation& previous, const HealthPolicy& policy) {
  HostObservation h = previous;
  h.evidence = "circuit breaker open: no probe until " +
               formatTime((previous.breakerOpenedMs + policy.coolDownMs) / 1000) +
               " (last: " + previous.evidence + ")";
  if (previous.evidence.rfind("circuit breaker open", 0) == 0) {
    auto last = previous.evidence.find(" (last: ");
    if (last != std::string::npos)
      h.evidence = "circuit breaker open: no probe until " +
                   formatTime((previous.breakerOpenedMs + policy.coolDownMs) / 1000) +
                   previous.evidence.substr(last);
  }
  return h;
}

}  // namespace hx
