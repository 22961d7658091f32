// hxctl hosts: every Host with its status, since when, the last probe, latency, version, breaker,
// and which of its declared models are present or missing.
#include <iomanip>
#include <set>
#include <sstream>

#include "reconciler/host_health.h"
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/cli/table.h"
#include "src/run/prepare.h"

namespace hx {

namespace {

struct HostView {
  const Resource* host;
  HostObservation obs;
  std::vector<std::string> present, missing, unmanaged;
  bool modelsKnown = false;
  std::vector<HostTransition> transitions;
};

std::string breakerText(const HostObservation& h, const HealthPolicy& p, int64_t nowMs) {
  if (h.breaker == BreakerState::kOpen && nowMs >= h.breakerOpenedMs + p.coolDownMs)
    return "half-open";
  return breakerStateName(h.breaker);
}

HostView viewOf(const Resource& host, const Prepared& p) {
  HostView v{&host, p.observed.host(host.id.name), {}, {}, {}, false, {}};
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
  return {{"name", v.host->id.name},
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
          {"models",
           {{"known", v.modelsKnown},
            {"present", v.present},
            {"missing", v.missing},
            {"unmanaged", v.unmanaged}}},
          {"transitions", transitions}};
}

void renderText(std::ostream& out, const std::vector<HostView>& views, int64_t nowMs,
                const Style& style, size_t width) {
  Table table(
      {"HOST", "TYPE", "STATUS", "SINCE", "LAST PROBE", "LATENCY", "VERSION", "BREAKER", "MODELS"},
      {false, false, false, false, false, false, true, false, true});
  table.dropFirst({5, 6, 4, 1});  // latency, version, last probe, type: hosts -o json has all
  const int64_t now = nowMs / 1000;
  for (const auto& v : views) {
    HealthPolicy policy = healthPolicyOf(*v.host);
    std::string models = "-";
    size_t declared = v.present.size() + v.missing.size();
    if (declared > 0)
      models = v.modelsKnown
                   ? std::to_string(v.present.size()) + "/" + std::to_string(declared) + " present"
                   : "unknown (" + std::to_string(declared) + " declared)";
    table.add({{v.host->id.name},
               {v.host->spec["api"].value("type", "")},
               {hostStatusName(v.obs.status), v.obs.status == HostStatus::kActive ? "32" : "33"},
               {v.obs.since ? ago(v.obs.since, now) : "never healthy"},
               {ago(v.obs.lastProbeMs / 1000, now)},
               {v.obs.lastProbeMs ? std::to_string(v.obs.latencyMs) + " ms" : "-"},
               {v.obs.version.empty() ? "-" : v.obs.version},
               {breakerText(v.obs, policy, nowMs)},
               {models}});
    if (!v.obs.evidence.empty()) table.note({v.obs.evidence, "2"});
    if (v.modelsKnown && !v.missing.empty()) table.note({"missing: " + joined(v.missing)});
    if (!v.unmanaged.empty()) table.note({"not managed by hxctl: " + joined(v.unmanaged)});
  }
  table.render(out, width, style);
}

}  // namespace

int cmdHosts(CliEnv& env, const CommonOptions& common, PlanCommandOptions options) {
  Prepared p;
  if (int rc = loadAndPrepare(env, common, options, p)) return rc;
  if (p.storeMissing && options.offline) noteNoRecords(env, common);
  std::vector<HostView> views;
  for (const auto* host : p.loaded.desired.ofKind(kind::kHost)) {
    HostView v = viewOf(*host, p);
    auto transitions = p.store->hostTransitions(host->id.name, 10);
    if (transitions) v.transitions = transitions.value();
    views.push_back(std::move(v));
  }
  int64_t now = env.clock.nowMillis();
  if (common.json()) {
    Json out = Json::array();
    for (const auto& v : views) out.push_back(viewJson(v, now));
    env.out << toJsonText(out) << "\n";
  } else {
    renderText(env.out, views, now, common.style, env.columns);
  }
  return exit_code::kOk;
}

}  // namespace hx
