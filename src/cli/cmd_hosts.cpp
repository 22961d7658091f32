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
#include "src/views/hosts_view.h"

namespace hx {

namespace {

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
    if (v.obs.reach.state == ReachState::kUnreachable)
      table.note({"unreachable (requires investigation): " + v.obs.reach.via + ": " +
                      v.obs.reach.detail + ", since " + ago(v.obs.reach.sinceMs / 1000, now),
                  "31"});
    if (v.modelsKnown && !v.missing.empty()) table.note({"missing: " + joined(v.missing)});
    if (!v.unmanaged.empty()) table.note({"not managed by hxctl: " + joined(v.unmanaged)});
  }
  table.render(out, width, style);
}

}  // namespace

int cmdHosts(CliEnv& env, const CommonOptions& common, PlanCommandOptions options) {
  // One status per host, whichever command shows it: the store's. A daemon (or an apply) that
  // keeps the store probes on its own schedule, and hosts shows what it recorded rather than a
  // probe of its own that its thresholds never saw; with nobody keeping it, hosts probes and
  // records the outcome, so that status, describe, wait and report say the same afterwards.
  if (!options.offline) {
    if (auto keeper = storeKeeper(env, common)) {
      options.offline = true;
      if (!common.json())
        env.err << "note: " << keeper->operation << " pid " << keeper->pid << " on "
                << keeper->hostname << " keeps these records; showing what it recorded\n";
    } else {
      // Into a store that exists: a look at the hosts from any directory creates none.
      bool missing = false;
      auto store = Store::openReadOnly(common.statePath, env.clock, &missing);
      options.record = options.record || (store && !missing);  // --record: create it too
    }
  }
  Prepared p;
  if (int rc = loadAndPrepare(env, common, options, p)) return rc;
  if (p.storeMissing && options.offline) noteNoRecords(env, common);
  std::vector<HostView> views = hostViews(p);
  int64_t now = env.clock.nowMillis();
  if (common.json()) {
    env.out << toJsonText(hostsDocument(views, now)) << "\n";
  } else {
    renderText(env.out, views, now, common.style, env.columns);
  }
  return exit_code::kOk;
}

}  // namespace hx
