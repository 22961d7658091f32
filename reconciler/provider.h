// The interface every managed kind's external system sits behind. Implementations live in src/
// (and tests/fakes/); the planner never sees them.
#pragma once

#include <string>
#include <vector>

#include "reconciler/observed.h"
#include "reconciler/plan.h"
#include "reconciler/resource.h"
#include "reconciler/status.h"

namespace hx {

class Provider {
 public:
  virtual ~Provider() = default;
  // Every object of this provider's kind on `host` ("" for host-less kinds), in spec shape.
  virtual Result<std::vector<ObservedObject>> observe(const std::string& host) = 0;
  // Carries out one create / update / replace / delete. Must be safe to retry after a
  // kTransient error: a retried create of an object that now exists is not an error.
  virtual Status apply(const PlanAction& action) = 0;
};

// Finds the provider for a kind on a host. Built in main from the hosts' api.type and handed in.
class ProviderSet {
 public:
  virtual ~ProviderSet() = default;
  // Called once per run with the specs, before any observation, so that implementations can
  // build their per-host clients (URLs, credentials). Errors name the host and the reference.
  virtual Status configure(const DesiredState& desired) {
    (void)desired;
    return Status::ok();
  }
  // The state store of this run (its path), for providers that keep records of what they did
  // outside the hosts they drive (the Qdrant tokens hxctl issued). Called before configure.
  // `readOnly`: a read-only command's run, which must neither create nor write the store.
  virtual void useStateStore(const std::string& path, bool readOnly) {
    (void)path;
    (void)readOnly;
  }
  // nullptr when no provider serves that kind on that host. Called from the observation
  // workers at once, so implementations that build providers lazily must lock.
  virtual Provider* providerFor(const std::string& kind, const std::string& host) = 0;
};

}  // namespace hx

namespace hx {

// Observes a Host's health. `previous` is the last recorded observation, so implementations can
// apply thresholds and keep "since" across runs.
class HostProber {
 public:
  virtual ~HostProber() = default;
  virtual HostObservation probe(const Resource& host, const HostObservation& previous) = 0;
};

}  // namespace hx
