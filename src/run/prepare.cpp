#include "src/run/prepare.h"

#include <sstream>

#include "reconciler/values.h"
#include "src/backlog/backlog.h"
#include "src/platform/fs_spec_source.h"
#include "src/platform/secrets.h"
#include "src/run/engine.h"
#include "src/run/process_info.h"

namespace hx {

namespace {

// -l app=search,tier=gold -> {app: search, tier: gold}; a malformed one is an error.
RunOutcome parseSelector(RunEnv& env, PlanCommandOptions& o) {
  o.plan.labels.clear();
  std::stringstream in(o.selector);
  for (std::string pair; std::getline(in, pair, ',');) {
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      env.report().message(Severity::kError,
                           "-l " + o.selector + ": expected key=value[,key=value]");
      return RunOutcome::kError;
    }
    o.plan.labels[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return RunOutcome::kOk;
}

RunOutcome checkTarget(RunEnv& env, const Prepared& p, PlanCommandOptions& o) {
  if (o.target.empty()) return RunOutcome::kOk;
  auto slash = o.target.find('/');
  if (slash == std::string::npos) {
    env.report().message(Severity::kError,
                         "--target " + o.target + ": expected KIND/NAME, e.g. Collection/mixtral");
    return RunOutcome::kError;
  }
  ResourceId id{o.target.substr(0, slash), o.target.substr(slash + 1)};
  if (!p.loaded.desired.find(id) && !p.inventory.find(id)) {
    env.report().message(Severity::kError, "--target " + o.target +
                                               ": no such resource in the specs or the inventory");
    return RunOutcome::kError;
  }
  o.plan.target = id;
  return RunOutcome::kOk;
}

// The store belongs to one estate: the first run that writes records it; the specs of another are
// refused before they are planned against it (which would offer to destroy the first's objects).
RunOutcome checkEstate(RunEnv& env, const RunOptions& common, Store& store, bool writes) {
  if (common.estate.empty()) return RunOutcome::kOk;
  auto recorded = store.estate();
  if (!recorded) return reportError(env, recorded.status());
  const auto& owner = recorded.value();
  if (owner && *owner != common.estate && !(writes && common.claimStore)) {
    env.report().message(
        Severity::kError,
        "the store " + Store::shown(common.statePath) + " belongs to the estate \"" + *owner +
            "\"; these specs are the estate \"" + common.estate + "\"" +
            (common.configPath.empty() ? "" : " (" + common.configPath + ")") +
            ". Planned against that store they would offer to destroy its objects. Use this "
            "estate's own store (--state PATH, or state: in its hxctl.yaml); or, if \"" +
            *owner + "\" was renamed or moved to this one, record that once with hxctl apply " +
            "--claim-store.");
    return RunOutcome::kError;
  }
  if (writes && (!owner || *owner != common.estate)) {
    if (Status s = store.setEstate(common.estate); !s) return reportError(env, s);
    if (owner)
      env.report().message(Severity::kNote, "the store now belongs to \"" + common.estate + "\"");
  }
  return RunOutcome::kOk;
}

}  // namespace

RunOutcome prepare(RunEnv& env, const RunOptions& common, PlanCommandOptions& o, Prepared& p,
                   Store* lockedStore) {
  if (!p.preloaded) {
    env.report().message(Severity::kError,
                         "the specs were not loaded before planning");  // a caller's bug
    return RunOutcome::kError;
  }
  if (lockedStore) {
    p.store = nullptr;
  } else {
    // A read (plan, hosts, status) neither creates the store nor writes to it: three `hosts`
    // during an outage must not mark a host degraded or open its breaker for everyone.
    auto store = o.record || o.keepSalt ? openStore(env, common.statePath)
                                        : openStoreReadOnly(env, common.statePath, &p.storeMissing);
    if (!store) return RunOutcome::kError;
    p.store = std::move(store.value());
  }
  const bool writes = lockedStore != nullptr || o.record;
  Store& store = lockedStore ? *lockedStore : *p.store;
  if (auto owned = checkEstate(env, common, store, writes); owned != RunOutcome::kOk) return owned;
  auto salt = store.secretSalt();
  if (!salt) return reportError(env, salt.status());
  resolveSecretDigests(p.loaded.desired, salt.value(), lockedStore != nullptr);
  auto inventory = store.inventory();
  if (!inventory) return reportError(env, inventory.status());
  p.inventory = std::move(inventory.value());
  if (auto checked = checkTarget(env, p, o); checked != RunOutcome::kOk) return checked;
  if (auto parsed = parseSelector(env, o); parsed != RunOutcome::kOk) return parsed;
  // What operators suspended is read every run, so a running daemon honours it at its next cycle.
  auto suspended = store.suspensions();
  if (!suspended) return reportError(env, suspended.status());
  o.plan.suspended.clear();
  for (const auto& [resource, s] : suspended.value()) {
    auto slash = resource.find('/');
    if (slash == std::string::npos) continue;
    o.plan.suspended[ResourceId{resource.substr(0, slash), resource.substr(slash + 1)}] =
        "by " + s.by + " since " + formatTime(s.since) + (s.reason.empty() ? "" : ": " + s.reason);
  }
  // A live plan observes every object afresh: of the last recorded observation it needs only
  // the hosts' probe history and the tasks' progress, not every object's fields.
  auto previous = store.loadObservations(o.offline);
  if (!previous) return reportError(env, previous.status());
  auto tasks = store.taskEvaluations();
  if (tasks) previous.value().tasks = taskProgressOf(tasks.value());
  if (o.offline) {
    p.observed = std::move(previous.value());
  } else {
    env.providers.useStateStore(common.statePath, !writes);
    p.observed = observeEstate(p.loaded.desired, p.inventory, previous.value(), env.providers,
                               env.prober, o.parallelism);
    if (writes) {
      Status saved = store.saveObservations(p.observed);
      if (!saved)
        env.report().message(Severity::kWarning,
                             "could not cache observations: " + saved.message());
    }
  }
  p.plan = plan(p.loaded.desired, p.observed, p.inventory, o.plan, env.clock.nowSeconds());
  return RunOutcome::kOk;
}

}  // namespace hx
