#include "src/views/hosts_view.h"

#include <set>

#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"

namespace hx {

namespace {

HostView viewOf(const Resource& host, const Prepared& p) {
  HostView v;
  v.host = &host;
  v.obs = p.observed.host(host.id.name);
  v.modelsKnown = v.obs.status == HostStatus::kActive &&
                  !p.observed.failures.count(ObservationScope{kind::kModel, host.id.name});
  std::set<std::string> declared;
  for (const auto* m : p.loaded.desired.ofKind(kind::kModel)) {
    if (objectHost(*m) != host.id.name) continue;
    declared.insert(objectKey(*m));
    bool there = p.observed.find(kind::kModel, host.id.name, objectKey(*m)) != nullptr;
    (there ? v.present : v.missing).push_back(m->id.name + " (" + objectKey(*m) + ")");
  }
  for (const auto& o : p.observed.objects)
    if (o.kind == kind::kModel && o.host == host.id.name && !declared.count(o.key))
      v.unmanaged.push_back(o.key);
  return v;
}

Json transitionJson(const HostTransition& t) {
  return {{"from", hostStatusName(t.from)},
          {"to", hostStatusName(t.to)},
          {"at", formatTime(t.at)},
          {"evidence", t.evidence},
          {"http_status", t.httpStatus},
          {"latency_ms", t.latencyMs},
          {"version", t.version}};
}

Json viewJson(const HostView& v, int64_t nowMs) {
  const Json& api = v.host->spec["api"];
  HealthPolicy policy = healthPolicyOf(*v.host);
  Json transitions = Json::array();
  for (const auto& t : v.transitions) transitions.push_back(transitionJson(t));
  return {
      {"name", v.host->id.name},
      {"type", api.value("type", "")},
      {"url", api.value("url", "")},
      {"status", hostStatusName(v.obs.status)},
      {"since", v.obs.since ? Json(formatTime(v.obs.since)) : Json()},
      {"last_probe", v.obs.lastProbeMs ? Json(formatTime(v.obs.lastProbeMs / 1000)) : Json()},
      {"latency_ms", v.obs.latencyMs},
      {"http_status", v.obs.httpStatus},
      {"version", v.obs.version},
      {"breaker", breakerText(v.obs, policy, nowMs)},
      {"consecutive_failures", v.obs.failures},
      {"evidence", v.obs.evidence},
      // The machine itself, apart from its API (the operators' "ping").
      {"reachability",
       {{"state", reachName(v.obs.reach.state)},
        {"via", v.obs.reach.via},
        {"detail", v.obs.reach.detail},
        {"latency_ms", v.obs.reach.latencyMs},
        {"probed_at", v.obs.reach.atMs ? Json(formatTime(v.obs.reach.atMs / 1000)) : Json()},
        {"since", v.obs.reach.sinceMs ? Json(formatTime(v.obs.reach.sinceMs / 1000)) : Json()}}},
      {"models",
       {{"known", v.modelsKnown},
        {"present", v.present},
        {"missing", v.missing},
        {"unmanaged", v.unmanaged}}},
      {"transitions", transitions}};
}

}  // namespace

std::string breakerText(const HostObservation& h, const HealthPolicy& policy, int64_t nowMs) {
  if (h.breaker == BreakerState::kOpen && nowMs >= h.breakerOpenedMs + policy.coolDownMs)
    return "half-open";
  return breakerStateName(h.breaker);
}

std::vector<HostView> hostViews(const Prepared& p) {
  std::vector<HostView> views;
  for (const auto* host : p.loaded.desired.ofKind(kind::kHost)) {
    HostView v = viewOf(*host, p);
    auto transitions = p.store->hostTransitions(host->id.name, 10);
    if (transitions) v.transitions = transitions.value();
    views.push_back(std::move(v));
  }
  return views;
}

Json hostsDocument(const std::vector<HostView>& views, int64_t nowMs) {
  Json out = Json::array();
  for (const auto& v : views) out.push_back(viewJson(v, nowMs));
  return out;
}

}  // namespace hx
