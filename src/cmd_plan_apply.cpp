// plan and apply: load -> validate -> observe -> plan -> render (-> lock -> execute -> record).
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "reconciler/identity.h"
#include "reconciler/loader.h"
#include "reconciler/values.h"
#include "src/backlog.h"
#include "src/commands.h"
#include "src/engine.h"
#include "src/exit_codes.h"
#include "src/fs_spec_source.h"
#include "src/prepare.h"
#include "src/process_info.h"
#include "src/secrets.h"

namespace hx {

namespace {

// Records each action as it starts and ends, and keeps the inventory in step: intent is written
// before the provider is called, confirmation after.
class ApplyRecorder : public ExecutionListener {
 public:
  ApplyRecorder(Store& store, int64_t runId, const Inventory& inventory, CliEnv& env, bool quiet)
      : store_(store), runId_(runId), inventory_(inventory), env_(env), quiet_(quiet) {}

  void started(const PlanAction& a) override {
    if (a.type == ActionType::kCreate || a.type == ActionType::kReplace || a.adopting)
      note(store_.putInventory(entryFor(a), false));
    auto id = store_.actionStarted(runId_, a);
    note(id.status());
    if (id) ids_[a.id] = id.value();
    if (!quiet_) env_.err << "  " << a.id.str() << ": " << actionTypeName(a.type) << " ...\n";
  }

  void finished(const PlanAction& a, const ActionResult& r) override {
    auto it = ids_.find(a.id);
    if (it == ids_.end())
      note(store_.recordAction(runId_, a, r.outcome, r.error.message()));
    else
      note(store_.actionFinished(it->second, r.outcome, r.error, r.attempts, r.durationMs));
    if (r.outcome == "succeeded") {
      if (a.type == ActionType::kDelete)
        note(store_.removeInventory(a.id));
      else if (a.type != ActionType::kUpdate || a.adopting)
        note(store_.putInventory(entryFor(a), true));
    }
    if (!quiet_)
      env_.err << "  " << a.id.str() << ": " << actionTypeName(a.type) << " " << r.outcome << " ("
               << r.durationMs << " ms)\n";
  }

 private:
  InventoryEntry entryFor(const PlanAction& a) const {
    std::string origin = a.adopting ? "adopted" : "created";
    if (a.type == ActionType::kUpdate)
      if (const InventoryEntry* e = inventory_.find(a.id)) origin = e->origin;
    return InventoryEntry{a.id, a.host, a.key, origin, contentDigest(a.desired.dump())};
  }
  void note(const Status& s) {
    if (!s) env_.err << "warning: could not record in the state store: " << s.message() << "\n";
  }

  Store& store_;
  int64_t runId_;
  const Inventory& inventory_;
  CliEnv& env_;
  bool quiet_;
  std::map<ResourceId, int64_t> ids_;
};

// Keeps the lock's heartbeat fresh while apply runs, on its own store connection.
class Heartbeat {
 public:
  Heartbeat(CliEnv& env, const std::string& path, std::string lockId)
      : thread_([this, &env, path, lockId] {
          auto store = Store::open(path, env.clock);
          std::unique_lock<std::mutex> lock(mu_);
          while (!stop_) {
            cv_.wait_for(lock, std::chrono::seconds(5));
            if (!stop_ && store) (void)store.value()->heartbeat(lockId);
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

Result<LockInfo> takeLock(CliEnv& env, Store& store, const RunInfo& who, int64_t waitMs) {
  int64_t deadline = env.clock.nowMillis() + waitMs;
  while (true) {
    auto lock = store.acquireLock(who.command, who);
    if (lock || lock.status().kind() != ErrorKind::kConflict || env.clock.nowMillis() >= deadline)
      return lock;
    env.clock.sleepMillis(200);
  }
}

int lockRefused(CliEnv& env, Store& store, const Status& status) {
  env.err << "error: " << status.message() << "\n";
  auto current = store.currentLock();
  if (current && current.value()) {
    const LockInfo& l = *current.value();
    if (!holderAlive(l, env.clock.nowSeconds()))
      env.err << "The holder is no longer running. If no other hxctl is applying, break the "
                 "lock with:\n  hxctl force-unlock "
              << l.lockId << "\n";
    else
      env.err << "Wait for it to finish, or pass --lock-timeout to wait.\n";
  }
  return exit_code::kLocked;
}

// Deferred and refused actions are recorded with their reason; objects that already existed
// and are taken over without a change (adopted) are written to the inventory as "adopted".
// The keys' audit: what happened to each ApiKey that was applied, in words an auditor reads.
void recordKeyEvents(Store& store, int64_t runId, const Plan& plan,
                     const std::vector<ActionResult>& results) {
  for (const auto& r : results) {
    if (r.id.kind == "GatewayKeyFile" && r.outcome == "succeeded") {
      const PlanAction* a = plan.find(r.id);
      if (!a) continue;
      // "entries.NAME" added or removed, "entries.NAME.secretDigest" rotated, else re-delivered.
      std::map<std::string, std::string> events;
      for (const auto& c : a->changes) {
        if (c.path.rfind("entries.", 0) != 0) continue;
        std::string rest = c.path.substr(8);
        auto dot = rest.find('.');
        std::string name = rest.substr(0, dot);
        std::string field = dot == std::string::npos ? "" : rest.substr(dot + 1);
        std::string& ev = events[name];
        if (field.empty())
          ev = c.after.is_null() ? "revoked" : "created";
        else if (field == "secretDigest" && ev.empty())
          ev = c.before.is_null() ? "created" : "rotated";
        else if (ev.empty())
          ev = c.before.is_null() ? "created" : "redelivered";
      }
      for (const auto& [name, ev] : events)
        (void)store.recordKeyEvent(runId, name, ev, "gateway key file on " + a->host);
      continue;
    }
    if (r.id.kind != "ApiKey" || r.outcome != "succeeded") continue;
    const PlanAction* a = plan.find(r.id);
    if (!a) continue;
    std::string event = "redelivered";
    if (a->type == ActionType::kCreate) event = "created";
    if (a->type == ActionType::kDelete)
      event = a->reason.rfind("expired", 0) == 0 ? "expired" : "revoked";
    std::string detail;
    for (const auto& c : a->changes) {
      if (c.path == "secretDigest" && a->type == ActionType::kUpdate) event = "rotated";
      detail += (detail.empty() ? "" : ", ") + c.path;
    }
    if (a->type == ActionType::kDelete) detail = a->reason;
    (void)store.recordKeyEvent(runId, r.id.name, event, detail);
  }
}

void recordNonExecuted(Store& store, int64_t runId, const Plan& plan) {
  for (const auto& a : plan.actions) {
    if (a.type == ActionType::kDeferred)
      (void)store.recordAction(runId, a, "deferred", a.reason);
    else if (isRefusal(a.type))
      (void)store.recordAction(runId, a, "refused", a.reason);
    else if (a.type == ActionType::kNoOp && a.adopting)
      (void)store.putInventory(
          InventoryEntry{a.id, a.host, a.key, "adopted", contentDigest(a.desired.dump())}, true);
  }
}

}  // namespace

int cmdPlan(CliEnv& env, const CommonOptions& common, PlanCommandOptions options) {
  Prepared p;
  if (int rc = prepare(env, common, options, p, nullptr)) return rc;
  if (common.json())
    env.out << planJson(p.plan).dump(2) << "\n";
  else
    renderPlanText(env.out, p.plan, common.style);
  if (options.detailedExitcode && p.plan.summary().hasChanges()) return exit_code::kChanges;
  return exit_code::kOk;
}

int cmdApply(CliEnv& env, const CommonOptions& common, PlanCommandOptions options) {
  auto waitMs = parseDurationMs(options.lockTimeout);
  if (!waitMs) {
    env.err << "error: --lock-timeout " << options.lockTimeout << ": not a duration (e.g. 30s)\n";
    return exit_code::kError;
  }
  LoadResult preload;
  if (int rc = loadValid(env, common, preload)) return rc;  // validate before touching the store
  auto opened = openStore(env, common.statePath);
  if (!opened) return exit_code::kError;
  Store& store = *opened.value();
  RunInfo who = currentProcess("apply");
  who.specDigest = preload.digest;
  auto lock = takeLock(env, store, who, *waitMs);
  if (!lock) return lockRefused(env, store, lock.status());
  Heartbeat heartbeat(env, common.statePath, lock.value().lockId);

  int rc = exit_code::kOk;
  auto recovered = store.recoverInterrupted();
  if (recovered && recovered.value() > 0)
    env.err << "note: " << recovered.value()
            << " action(s) of an earlier apply were interrupted; their resources are re-observed "
               "and converged now.\n";
  auto runId = store.beginRun(who);
  if (!runId) {
    (void)store.releaseLock(lock.value().lockId);
    return reportError(env, runId.status());
  }
  Prepared p;
  rc = prepare(env, common, options, p, &store);
  if (rc != exit_code::kOk) {
    (void)store.endRun(runId.value(), rc, "failed", "could not plan");
    (void)store.releaseLock(lock.value().lockId);
    return rc;
  }
  if (!common.json()) renderPlanText(env.out, p.plan, common.style);
  recordNonExecuted(store, runId.value(), p.plan);

  ApplyRecorder recorder(store, runId.value(), p.inventory, env, common.json());
  ExecutorOptions exec;
  exec.parallelism = options.parallelism;
  Executor executor(env.providers, env.clock, recorder, exec);
  std::vector<ActionResult> results = executor.run(p.plan);

  // Read back what the estate looks like now, so offline plans and the next run start from it.
  ObservedState after = observeEstate(p.loaded.desired, p.inventory, p.observed, env.providers,
                                      env.prober, options.parallelism);
  (void)store.saveObservations(after);
  // The backlog moves with the estate: check what can be checked now, and record it.
  // Checks judge the estate as it is now, so they get a plan made from what was just observed.
  auto inventoryNow = store.inventory();
  Plan now = plan(p.loaded.desired, after, inventoryNow ? inventoryNow.value() : p.inventory,
                  options.plan, env.clock.nowSeconds());
  recordKeyEvents(store, runId.value(), p.plan, results);
  CriteriaRunner runner(env.http, env.clock, env.loopbackOnly);
  std::set<ResourceId> applying;
  for (const auto& r : results) applying.insert(r.id);
  auto backlog = evaluateBacklog(p.loaded.desired, after, now, applying, store, &runner, true,
                                 env.clock.nowSeconds());
  std::string backlogLine;
  if (backlog && !backlog.value().empty()) {
    std::map<std::string, int> counts;
    for (const auto& e : backlog.value()) ++counts[taskStatusName(e.status)];
    backlogLine = "Backlog: " + std::to_string(backlog.value().size()) + " tasks";
    for (const auto& [name, n] : counts) backlogLine += ", " + std::to_string(n) + " " + name;
    backlogLine += " (hxctl status for details).";
  } else if (!backlog) {
    env.err << "warning: could not evaluate the backlog: " << backlog.status().message() << "\n";
  }

  int failed = 0;
  for (const auto& r : results) failed += r.outcome != "succeeded";
  PlanSummary s = p.plan.summary();
  if (failed > 0 || s.refused > 0)
    rc = exit_code::kPartialFailure;
  else if (options.detailedExitcode && s.deferred > 0)
    rc = exit_code::kDeferred;
  std::string summary = std::to_string(results.size() - failed) + " applied, " +
                        std::to_string(failed) + " failed, " + std::to_string(s.refused) +
                        " refused, " + std::to_string(s.deferred) + " deferred";
  std::string status = rc == exit_code::kPartialFailure ? "partial" : "succeeded";
  (void)store.endRun(runId.value(), rc, status, summary);
  (void)store.releaseLock(lock.value().lockId);

  if (common.json()) {
    env.out << Json{{"run", runId.value()},
                    {"plan", planJson(p.plan)},
                    {"results", resultsJson(results)},
                    {"exit_code", rc}}
                   .dump(2)
            << "\n";
  } else {
    renderResultsText(env.out, results, common.style);
    if (results.empty()) env.out << "\nNothing to apply.";
    env.out << "\nRun " << runId.value() << ": " << summary << ".\n";
    if (!backlogLine.empty()) env.out << backlogLine << "\n";
  }
  return rc;
}

}  // namespace hx
