#include <catch2/catch.hpp>

#include "reconciler/host_health.h"

using namespace hx;

namespace {
ProbeResult up() { return ProbeResult{true, 200, 3, "", "ollama 0.5.1"}; }
ProbeResult down() { return ProbeResult{false, 0, 5000, "timed out after 5000 ms", ""}; }
HealthPolicy policy(int failures, int successes) {
  HealthPolicy p;
  p.failureThreshold = failures;
  p.successThreshold = successes;
  p.coolDownMs = 30000;
  return p;
}
}  // namespace

TEST_CASE("a host is pending_installation until it has passed successThreshold probes",
          "[health]") {
  HealthPolicy p = policy(3, 2);
  HostObservation h;
  h = afterProbe(h, down(), p, 1000);
  CHECK(h.status == HostStatus::kPendingInstallation);
  CHECK(h.since == 0);
  h = afterProbe(h, up(), p, 2000);
  CHECK(h.status == HostStatus::kPendingInstallation);  // one success of two
  h = afterProbe(h, up(), p, 3000);
  CHECK(h.status == HostStatus::kActive);
  CHECK(h.since == 3);
  CHECK(h.version == "ollama 0.5.1");
  CHECK(h.evidence == "healthy in 3 ms (ollama 0.5.1)");
}

TEST_CASE("an active host turns degraded after failureThreshold consecutive failures, and back",
          "[health]") {
  HealthPolicy p = policy(3, 1);
  HostObservation h = afterProbe(HostObservation{}, up(), p, 1000);
  REQUIRE(h.status == HostStatus::kActive);
  h = afterProbe(h, down(), p, 2000);
  h = afterProbe(h, down(), p, 3000);
  CHECK(h.status == HostStatus::kActive);  // two of three
  CHECK(h.failures == 2);
  h = afterProbe(h, up(), p, 4000);  // a success resets the count
  h = afterProbe(h, down(), p, 5000);
  h = afterProbe(h, down(), p, 6000);
  h = afterProbe(h, down(), p, 7000);
  CHECK(h.status == HostStatus::kDegraded);
  CHECK(h.since == 7);
  CHECK(h.evidence == "timed out after 5000 ms");
  h = afterProbe(h, up(), p, 40000);
  CHECK(h.status == HostStatus::kActive);
  CHECK(h.since == 40);
}

TEST_CASE("the breaker opens after the failure threshold and withholds probes for the cool-down",
          "[health][breaker]") {
  HealthPolicy p = policy(2, 1);
  HostObservation h;
  h = afterProbe(h, down(), p, 1000);
  CHECK(h.breaker == BreakerState::kClosed);
  CHECK(probeAllowed(h, p, 1001));
  h = afterProbe(h, down(), p, 2000);
  CHECK(h.breaker == BreakerState::kOpen);
  CHECK(h.breakerOpenedMs == 2000);
  CHECK_FALSE(probeAllowed(h, p, 2001));
  CHECK_FALSE(probeAllowed(h, p, 31999));
  HostObservation withheld = afterWithheldProbe(h, p);
  CHECK(
      withheld.evidence ==
      "circuit breaker open: no probe until 1970-01-01T00:00:32Z (last: timed out after 5000 ms)");
  CHECK(afterWithheldProbe(withheld, p).evidence == withheld.evidence);  // no nesting
  // Cool-down over: one trial probe. It fails: open again, for a new cool-down.
  REQUIRE(probeAllowed(h, p, 32000));
  h = afterProbe(h, down(), p, 32000);
  CHECK(h.breaker == BreakerState::kOpen);
  CHECK(h.breakerOpenedMs == 32000);
  // The next trial succeeds: closed, and the host is active.
  h = afterProbe(h, up(), p, 62000);
  CHECK(h.breaker == BreakerState::kClosed);
  CHECK(h.status == HostStatus::kActive);
}
