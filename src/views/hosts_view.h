// What `hxctl hosts` shows, as data: every Host with its status, since when, the last probe,
// latency, version, breaker, its recent transitions, and which declared models are present or
// missing. `hosts -o json` prints hostsDocument; the web view serves and renders the same.
#pragma once

#include <string>
#include <vector>

#include "reconciler/host_health.h"
#include "src/run/prepare.h"

namespace hx {

struct HostView {
  const Resource* host = nullptr;
  HostObservation obs;
  std::vector<std::string> present, missing, unmanaged;
  bool modelsKnown = false;
  std::vector<HostTransition> transitions;
};

// Every Host of the specs, in their order, with its last 10 transitions from the store.
std::vector<HostView> hostViews(const Prepared& p);
// "half-open" once an open breaker's cool-down has passed, else the recorded state.
std::string breakerText(const HostObservation& h, const HealthPolicy& policy, int64_t nowMs);

// `hxctl hosts -o json`.
Json hostsDocument(const std::vector<HostView>& views, int64_t nowMs);

}  // namespace hx
