// One reconcile's read side: probe hosts, observe the providers (bounded concurrency), plan.
#pragma once

#include "reconciler/inventory.h"
#include "reconciler/observed.h"
#include "reconciler/provider.h"
#include "reconciler/resource.h"

namespace hx {

// Probes every declared Host, then observes each (kind, host) pair that desired resources or
// the inventory name, on active hosts only (a host that is not active has nothing to show and
// would cost a timeout). Failures are recorded per pair, never thrown.
ObservedState observeEstate(const DesiredState& desired, const Inventory& inventory,
                            const ObservedState& previous, ProviderSet& providers,
                            HostProber& prober, int parallelism);

// For hosts that have no live probe: the last recorded status stands.
class RecordedHostStatus : public HostProber {
 public:
  HostObservation probe(const Resource& host, const HostObservation& previous) override;
};

}  // namespace hx
