#include "src/run/engine.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "src/platform/bounded_parallel.h"

namespace hx {

HostObservation RecordedHostStatus::probe(const Resource&, const HostObservation& previous) {
  HostObservation h = previous;
  if (h.evidence.empty()) h.evidence = "no live probe for this host yet";
  return h;
}

namespace {

// Probes every host at once (bounded), and notes each status change with its evidence.
void probeHosts(const DesiredState& desired, const ObservedState& previous, HostProber& prober,
                int parallelism, ObservedState& out) {
  std::vector<const Resource*> hosts = desired.ofKind(kind::kHost);
  std::vector<HostObservation> seen(hosts.size());
  forEachBounded(hosts.size(), parallelism, [&](size_t i) {
    try {
      seen[i] = prober.probe(*hosts[i], previous.host(hosts[i]->id.name));
    } catch (const std::exception& e) {  // a barrier, as for observation below
      seen[i] = previous.host(hosts[i]->id.name);
      seen[i].evidence = std::string("probe failed: ") + e.what();
    }
  });
  for (size_t i = 0; i < hosts.size(); ++i)
    out.recordProbe(hosts[i]->id.name, previous.host(hosts[i]->id.name), seen[i]);
}

}  // namespace

ObservedState observeEstate(const DesiredState& desired, const Inventory& inventory,
                            const ObservedState& previous, ProviderSet& providers,
                            HostProber& prober, int parallelism) {
  ObservedState out;
  out.tasks = previous.tasks;
  Status configured = providers.configure(desired);
  if (!configured) out.configureFailure = configured.message();
  probeHosts(desired, previous, prober, parallelism, out);

  std::set<std::pair<std::string, std::string>> scopes;
  for (const auto& r : desired.resources)
    if (findKind(r.id.kind)->managed) scopes.emplace(r.id.kind, objectHost(r));
  for (const auto& e : inventory.entries) scopes.emplace(e.id.kind, e.host);
  // Some kinds are observed whole on the hosts that serve them (kinds.h: observedOnApis).
  for (const auto* host : desired.ofKind(kind::kHost)) {
    const std::string type = host->spec["api"].value("type", "");
    for (const auto& kind : kinds()) {
      const auto& apis = kind.observedOnApis;
      if (std::find(apis.begin(), apis.end(), type) != apis.end() ||
          (kind.observedOnFirewalls && host->spec.contains("firewall")))
        scopes.emplace(kind.name, host->id.name);
    }
  }

  std::vector<std::pair<std::string, std::string>> work;
  for (const auto& [kind, host] : scopes) {
    if (!host.empty()) {
      auto h = out.hosts.find(host);
      if (h == out.hosts.end() || h->second.status != HostStatus::kActive) continue;
    }
    work.emplace_back(kind, host);
  }

  std::mutex mu;
  forEachBounded(work.size(), parallelism, [&](size_t i) {
    const auto& [kind, host] = work[i];
    Provider* p = providers.providerFor(kind, host);
    const ObservationScope scope{kind, host};
    if (!p) {
      std::lock_guard<std::mutex> lock(mu);
      out.failures[scope] = "no provider serves " + kind + " on this host";
      return;
    }
    // A barrier: whatever a provider meets (an answer no server should send), it becomes this
    // scope's observation failure, never an exception out of a worker thread.
    Result<std::vector<ObservedObject>> objects = std::vector<ObservedObject>{};
    try {
      objects = p->observe(host);
    } catch (const std::exception& e) {
      objects = Status::error(ErrorKind::kTransient, std::string("unexpected answer: ") + e.what());
    }
    std::lock_guard<std::mutex> lock(mu);
    if (!objects) {
      out.failures[scope] = objects.status().message();
    } else {
      out.observedScopes.insert(scope);
      for (auto& o : objects.value()) out.objects.push_back(std::move(o));
    }
  });
  return out;
}

}  // namespace hx
