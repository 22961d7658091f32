#include "src/run/apply_cycle.h"

#include <map>
#include <memory>

#include "reconciler/backoff.h"
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/backlog/backlog.h"
#include "src/platform/fs_spec_source.h"
#include "src/run/engine.h"
#include "src/run/process_info.h"
#include "src/run/store_writes.h"

namespace hx {

namespace {

// Records each action as it starts and ends, and keeps the inventory in step: intent is written
// before the provider is called, confirmation after.
class ApplyRecorder : public ExecutionListener {
 public:
  ApplyRecorder(Store& store, int64_t runId, const Inventory& inventory, RunEnv& env,
                const CycleControls& controls, StoreWrites& writes)
      : store_(store),
        runId_(runId),
        inventory_(inventory),
        env_(env),
        controls_(controls),
        writes_(writes) {}

  void started(const PlanAction& a) override {
    if (a.type == ActionType::kCreate || a.type == ActionType::kReplace || a.adopting)
      writes_.keep(store_.putInventory(entryFor(a), false),
                   "the intent to " + std::string(actionTypeName(a.type)) + " " + a.id.str());
    auto id = store_.actionStarted(runId_, a);
    writes_.keep(id.status(), "the start of " + a.id.str());
    if (id) ids_[a.id] = id.value();
    if (!controls_.quiet) env_.report().actionStarted(a);
  }

  // A burst's records are one transaction. Should the batch not open, each write commits on its
  // own as before; should it not commit, its writes are counted lost and the run is partial.
  void beginBurst() override { batched_ = store_.beginBatch().isOk(); }
  void endBurst() override {
    if (batched_) writes_.keep(store_.commitBatch(), "a batch of the apply's records");
    batched_ = false;
  }

  void finished(const PlanAction& a, const ActionResult& r) override {
    auto it = ids_.find(a.id);
    const std::string outcome = "the outcome of " + a.id.str();
    if (it == ids_.end())
      writes_.keep(store_.recordAction(runId_, a, actionOutcomeName(r.outcome), r.error.message()),
                   outcome);
    else
      writes_.keep(store_.actionFinished(it->second, actionOutcomeName(r.outcome), r.error,
                                         r.attempts, r.durationMs),
                   outcome);
    if (r.outcome == ActionOutcome::kSucceeded) {
      if (a.type == ActionType::kDelete)
        writes_.keep(store_.removeInventory(a.id),
                     "the removal of " + a.id.str() + " from the inventory");
      else if (a.type != ActionType::kUpdate || a.adopting)
        writes_.keep(store_.putInventory(entryFor(a), true), a.id.str() + " in the inventory");
    }
    if (!controls_.quiet) env_.report().actionFinished(a, r);
  }

 private:
  InventoryEntry entryFor(const PlanAction& a) const {
    std::string origin = a.adopting ? "adopted" : "created";
    if (a.type == ActionType::kUpdate)
      if (const InventoryEntry* e = inventory_.find(a.id)) origin = e->origin;
    return InventoryEntry{a.id,
                          a.host,
                          a.key,
                          origin,
                          contentDigest(a.desired.dump()),
                          a.sourceFile.empty() ? "" : canonicalSpecPath(a.sourceFile)};
  }
  Store& store_;
  int64_t runId_;
  const Inventory& inventory_;
  RunEnv& env_;
  const CycleControls& controls_;
  StoreWrites& writes_;
  std::map<ResourceId, int64_t> ids_;
  bool batched_ = false;
};

// The keys' audit: what happened to each ApiKey that was applied, in words an auditor reads.
void recordKeyEvents(Store& store, StoreWrites& writes, int64_t runId, const Plan& plan,
                     const std::vector<ActionResult>& results) {
  for (const auto& r : results) {
    if (r.id.kind == kind::kGatewayKeyFile && r.outcome == ActionOutcome::kSucceeded) {
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
        writes.keep(store.recordKeyEvent(runId, name, ev, "gateway key file on " + a->host),
                    "the key audit of " + name);
      continue;
    }
    if (r.id.kind != kind::kApiKey || r.outcome != ActionOutcome::kSucceeded) continue;
    const PlanAction* a = plan.find(r.id);
    if (!a) continue;
    std::string event = "redelivered";
    if (a->type == ActionType::kCreate) event = "created";
    if (a->type == ActionType::kDelete)
      event = a->trigger == ActionTrigger::kExpiry ? "expired" : "revoked";
    std::string detail;
    for (const auto& c : a->changes) {
      if (c.path == "secretDigest" && a->type == ActionType::kUpdate) event = "rotated";
      detail += (detail.empty() ? "" : ", ") + c.path;
    }
    if (a->type == ActionType::kDelete) detail = a->reason;
    writes.keep(store.recordKeyEvent(runId, r.id.name, event, detail),
                "the key audit of " + r.id.name);
  }
}

// Deferred and refused actions are recorded with their reason; objects that already existed
// and are taken over without a change (adopted) are written to the inventory as "adopted".
void recordNonExecuted(Store& store, StoreWrites& writes, int64_t runId, const Plan& plan) {
  for (const auto& a : plan.actions) {
    if (a.type == ActionType::kDeferred)
      writes.keep(store.recordAction(runId, a, "deferred", a.reason),
                  "the deferral of " + a.id.str());
    else if (isRefusal(a.type))
      writes.keep(store.recordAction(runId, a, "refused", a.reason),
                  "the refusal of " + a.id.str());
    else if (a.type == ActionType::kNoOp && a.adopting)
      writes.keep(
          store.putInventory(
              InventoryEntry{a.id, a.host, a.key, "adopted", contentDigest(a.desired.dump()),
                             a.sourceFile.empty() ? "" : canonicalSpecPath(a.sourceFile)},
              true),
          "the adoption of " + a.id.str());
  }
}

// Failures start or extend a resource's back-off; a success ends it. `backoffs` (as read at
// the start of the cycle) is kept in step with the store.
void recordBackoffs(Store& store, StoreWrites& writes, std::map<std::string, Backoff>& backoffs,
                    const std::vector<ActionResult>& results, int64_t now) {
  for (const auto& r : results) {
    const std::string id = r.id.str();
    auto it = backoffs.find(id);
    if (r.outcome == ActionOutcome::kSucceeded && it != backoffs.end()) {
      writes.keep(store.clearBackoff(id), "the end of " + id + "'s back-off");
      backoffs.erase(it);
    } else if (r.outcome == ActionOutcome::kFailed) {
      Backoff next = afterFailure(it == backoffs.end() ? Backoff{} : it->second, r.error.message(),
                                  now, BackoffPolicy{});
      writes.keep(store.putBackoff(id, next), "the back-off of " + id);
      backoffs[id] = next;
    }
  }
}

constexpr int kMaxWaves = 16;  // a chain of tasks deeper than this waits for the next run

std::map<std::string, TaskEvaluation> toMap(const std::vector<TaskEvaluation>& evaluations) {
  std::map<std::string, TaskEvaluation> out;
  for (const auto& e : evaluations) out[e.task] = e;
  return out;
}

// Tasks completed now that the plan did not yet count as completed.
std::vector<std::string> newlyCompleted(const ObservedState& planned,
                                        const std::vector<TaskEvaluation>& now) {
  std::vector<std::string> out;
  for (const auto& e : now) {
    if (e.status != TaskStatus::kCompleted) continue;
    auto it = planned.tasks.find(e.task);
    if (it == planned.tasks.end() || it->second != TaskProgress::kCompleted) out.push_back(e.task);
  }
  return out;
}

// The tasks a --target run touched: the target itself if it is a task, and every task one of
// whose resources the run acted on.
std::set<std::string> tasksTouched(const DesiredState& desired, const ResourceId& target,
                                   const std::set<ResourceId>& applied) {
  std::set<std::string> out;
  if (target.kind == kind::kTask) out.insert(target.name);
  for (const auto* task : desired.ofKind(kind::kTask))
    for (const auto& ref : task->references)
      if (ref.role == RefRole::kGates && (applied.count(ref.target) || ref.target == target))
        out.insert(task->id.name);
  return out;
}

}  // namespace

std::string backlogLine(const std::vector<TaskEvaluation>& backlog) {
  if (backlog.empty()) return "";
  std::map<std::string, int> counts;
  for (const auto& e : backlog) ++counts[taskStatusName(e.status)];
  std::string line = "Backlog: " + std::to_string(backlog.size()) + " tasks";
  for (const auto& [name, n] : counts) line += ", " + std::to_string(n) + " " + name;
  return line + " (hxctl status for details).";
}

RunOutcome runApplyCycle(RunEnv& env, const RunOptions& common, PlanCommandOptions& options,
                         Store& store, const RunInfo& who, const LoadResult* preloaded,
                         const CycleControls& controls, CycleResult& out) {
  auto recovered = store.recoverInterrupted();
  if (recovered && recovered.value() > 0) {
    const std::string note = std::to_string(recovered.value()) +
                             " action(s) of an earlier apply were interrupted; their resources "
                             "are re-observed and converged now.";
    env.report().message(Severity::kNote, note);
  }
  auto runId = store.beginRun(who);
  if (!runId) return out.outcome = reportError(env, runId.status());
  out.runId = runId.value();
  StoreWrites writes(
      [&](const std::string& line) { env.report().message(Severity::kError, line); });
  Prepared& p = out.prepared;
  if (preloaded) {
    p.loaded = *preloaded;
    p.preloaded = true;
  }
  RunOutcome outcome = prepare(env, common, options, p, &store);
  if (outcome != RunOutcome::kOk) {
    writes.keep(store.endRun(out.runId, storedCode(outcome), std::string(runStatusOf(outcome)),
                             "could not plan"),
                "the end of the run");
    return out.outcome = outcome;
  }
  // Read once: what is held back now is what this cycle's results extend or clear.
  auto backoffs = store.backoffs();
  if (controls.respectBackoff && backoffs)
    out.heldBack = holdBackOff(p.plan, backoffs.value(), env.clock.nowSeconds());
  if (controls.onPlan) controls.onPlan(p.plan);
  if (controls.gate) {
    if (std::string refusal = controls.gate(p); !refusal.empty()) {
      out.declined = true;
      writes.keep(store.endRun(out.runId, storedCode(RunOutcome::kError), "declined", refusal),
                  "the end of the run");
      return out.outcome = RunOutcome::kError;
    }
  }
  recordNonExecuted(store, writes, out.runId, p.plan);

  // The estate as the run last saw it, and the plans made from it. Observations and plans of a
  // large estate are tens of MiB: they are replaced as the run goes, never copied (issue 18).
  ObservedState& after = p.observed;
  const auto unowned = [](const Plan*) {};
  std::shared_ptr<const Plan> now(&p.plan, unowned);
  CriteriaRunner runner(env.http, env.clock, env.loopbackOnly);
  std::set<ResourceId> applying;
  auto evaluate = [&]() {
    for (const auto& r : out.results) applying.insert(r.id);
    // --target planned part of the estate: only the tasks it touched are judged again.
    std::optional<std::set<std::string>> only;
    if (options.plan.target) only = tasksTouched(p.loaded.desired, *options.plan.target, applying);
    out.backlog = evaluateBacklog(p.loaded.desired, after, *now, applying, store, &runner, true,
                                  env.clock.nowSeconds(), controls.heavyRecheckSeconds, only);
  };
  if (controls.execute) {
    ApplyRecorder recorder(store, out.runId, p.inventory, env, controls, writes);
    ExecutorOptions exec;
    exec.parallelism = options.parallelism;
    exec.cancel = controls.cancel;
    Executor executor(env.providers, env.clock, recorder, exec);
    std::shared_ptr<const Plan> wave = now;
    for (int n = 1;; ++n) {
      std::vector<ActionResult> results = executor.run(*wave);
      if (backoffs)
        recordBackoffs(store, writes, backoffs.value(), results, env.clock.nowSeconds());
      recordKeyEvents(store, writes, out.runId, *wave, results);
      // Read back what the estate looks like now, so offline plans and the next run start from
      // it. Checks judge the estate as it is now, so they get a plan made from what was observed.
      if (!results.empty()) {
        // What was carried out no longer needs its fields, nor the old observation its objects
        // (the read-back replaces them): released first, so a large apply never holds both.
        if (wave.get() == &p.plan)
          for (auto& a : p.plan.actions) a.releaseFields();
        after.objects = {};
        ObservedState seen = observeEstate(p.loaded.desired, p.inventory, after, env.providers,
                                           env.prober, options.parallelism);
        after = std::move(seen);
        writes.keep(store.saveObservations(after), "the observations read back after the apply");
        auto inventoryNow = store.inventory();
        now = std::make_shared<const Plan>(plan(p.loaded.desired, after,
                                                inventoryNow ? inventoryNow.value() : p.inventory,
                                                options.plan, env.clock.nowSeconds()));
      }
      bool clean = true;
      for (const auto& r : results) clean = clean && r.outcome == ActionOutcome::kSucceeded;
      out.results.insert(out.results.end(), results.begin(), results.end());
      evaluate();
      // A task that completed in this wave opens the gates of what waits on it: plan again and
      // go on in this run (to a fixpoint) rather than leave that work to the next apply.
      if (!controls.moreWaves || !clean || n >= kMaxWaves || !out.backlog) break;
      std::vector<std::string> opened = newlyCompleted(after, out.backlog.value());
      if (opened.empty()) break;
      after.tasks = taskProgressOf(toMap(out.backlog.value()));
      auto inventoryNow = store.inventory();
      Plan next = plan(p.loaded.desired, after, inventoryNow ? inventoryNow.value() : p.inventory,
                       options.plan, env.clock.nowSeconds());
      if (controls.respectBackoff && backoffs)
        out.heldBack += holdBackOff(next, backoffs.value(), env.clock.nowSeconds());
      if (!next.summary().hasChanges()) break;
      if (controls.onWave && !controls.onWave(n + 1, next, opened)) break;
      wave = std::make_shared<const Plan>(std::move(next));
      now = wave;
      ++out.waves;
    }
    out.lastSummary = wave->summary();
  } else {
    // Self-heal is off: every change is drift to report, recorded so history shows it.
    for (const auto& a : p.plan.actions)
      if (isChange(a.type))
        writes.keep(
            store.recordAction(out.runId, a, "drift", "self-heal is off: reported, not changed"),
            "the drift of " + a.id.str());
    evaluate();
    out.lastSummary = p.plan.summary();
  }

  for (const auto& r : out.results) {
    out.failed += r.outcome == ActionOutcome::kFailed || r.outcome == ActionOutcome::kSkipped;
    out.cancelled += r.outcome == ActionOutcome::kCancelled;
  }
  const PlanSummary& s = out.lastSummary;  // what is still deferred or refused after every wave
  if (out.failed > 0 || s.refused > 0 || out.cancelled > 0)
    outcome = RunOutcome::kPartialFailure;
  else if (options.detailedExitcode && s.deferred > 0)
    outcome = RunOutcome::kDeferred;
  int applied = static_cast<int>(out.results.size()) - out.failed - out.cancelled;
  out.summary = std::to_string(applied) + " applied, " + std::to_string(out.failed) + " failed, " +
                std::to_string(s.refused) + " refused, " + std::to_string(s.deferred) + " deferred";
  if (out.cancelled > 0) out.summary += ", " + std::to_string(out.cancelled) + " cancelled";
  if (!controls.execute) {
    int drift = 0;
    for (const auto& a : p.plan.actions) drift += isChange(a.type);  // self-heal off: one wave
    out.summary = std::to_string(drift) + " drifted (self-heal off), " + std::to_string(s.refused) +
                  " refused, " + std::to_string(s.deferred) + " deferred";
  }
  if (backoffs) out.backoffs = static_cast<int>(backoffs.value().size());
  // A lost record makes the run partial: what was done may not be what the store says.
  if (writes.lost() > 0) {
    outcome = RunOutcome::kPartialFailure;
    out.summary += writes.summary();
  }
  std::string status(runStatusOf(outcome));
  if (out.cancelled > 0) status = "interrupted";
  if (!writes.keep(store.endRun(out.runId, storedCode(outcome), status, out.summary),
                   "the end of the run"))
    outcome = RunOutcome::kPartialFailure;
  return out.outcome = outcome;
}

}  // namespace hx
