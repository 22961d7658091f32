#include "src/run/prepare.h"

#include "reconciler/values.h"
#include "src/backlog/backlog.h"
#include "src/platform/fs_spec_source.h"
#include "src/platform/secrets.h"
#include "src/run/engine.h"
#include "src/run/process_info.h"

namespace hx {

namespace {

RunOutcome checkTarget(RunEnv& env, const Prepared& p, PlanCommandOptions& o) {
  if (o.target.empty()) return RunOutcome::kOk;
  auto slash = o.target.find('/');
  if (slash == std::string::npos) {
    env.err << "error: --target " << o.target << ": expected KIND/NAME, e.g. Collection/mixtral\n";
    return RunOutcome::kError;
  }
  ResourceId id{o.target.substr(0, slash), o.target.substr(slash + 1)};
  if (!p.loaded.desired.find(id) && !p.inventory.find(id)) {
    env.err << "error: --target " << o.target
            << ": no such resource in the specs or the inventory\n";
    return RunOutcome::kError;
  }
  o.plan.target = id;
  return RunOutcome::kOk;
}

}  // namespace

RunOutcome prepare(RunEnv& env, const RunOptions& common, PlanCommandOptions& o, Prepared& p,
                   Store* lockedStore) {
  if (!p.preloaded) {
    env.err << "error: the specs were not loaded before planning\n";  // a caller's bug
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
  auto salt = store.secretSalt();
  if (!salt) return reportError(env, salt.status());
  resolveSecretDigests(p.loaded.desired, salt.value(), lockedStore != nullptr);
  auto inventory = store.inventory();
  if (!inventory) return reportError(env, inventory.status());
  p.inventory = std::move(inventory.value());
  if (auto checked = checkTarget(env, p, o); checked != RunOutcome::kOk) return checked;
  auto previous = store.loadObservations();
  if (!previous) return reportError(env, previous.status());
  auto tasks = store.taskEvaluations();
  if (tasks) previous.value().tasks = taskProgressOf(tasks.value());
  p.previous = previous.value();
  if (o.offline) {
    p.observed = std::move(previous.value());
  } else {
    env.providers.useStateStore(common.statePath, !writes);
    p.observed = observeEstate(p.loaded.desired, p.inventory, previous.value(), env.providers,
                               env.prober, o.parallelism);
    if (writes) {
      Status saved = store.saveObservations(p.observed);
      if (!saved) env.err << "warning: could not cache observations: " << saved.message() << "\n";
    }
  }
  p.plan = plan(p.loaded.desired, p.observed, p.inventory, o.plan, env.clock.nowSeconds());
  return RunOutcome::kOk;
}

}  // namespace hx
