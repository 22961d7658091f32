#include "src/apply_cycle.h"

#include <spdlog/spdlog.h>

#include <map>

#include "reconciler/backoff.h"
#include "reconciler/identity.h"
#include "reconciler/values.h"
#include "src/backlog.h"
#include "src/engine.h"
#include "src/exit_codes.h"
#include "src/fs_spec_source.h"
#include "src/process_info.h"

namespace hx {

namespace {

// Records each action as it starts and ends, and keeps the inventory in step: intent is written
// before the provider is called, confirmation after.
class ApplyRecorder : public ExecutionListener {
 public:
  ApplyRecorder(Store& store, int64_t runId, const Inventory& inventory, CliEnv& env,
                const CycleControls& controls)
      : store_(store), runId_(runId), inventory_(inventory), env_(env), controls_(controls) {}

  void started(const PlanAction& a) override {
    if (a.type == ActionType::kCreate || a.type == ActionType::kReplace || a.adopting)
      note(store_.putInventory(entryFor(a), false));
    auto id = store_.actionStarted(runId_, a);
    note(id.status());
    if (id) ids_[a.id] = id.value();
    if (controls_.logActions)
      spdlog::info("{}: {} started", a.id.str(), actionTypeName(a.type));
    else if (!controls_.quiet)
      env_.err << "  " << a.id.str() << ": " << actionTypeName(a.type) << " ...\n";
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
    if (controls_.logActions && r.outcome == "succeeded")
      spdlog::info("{}: {} succeeded ({} ms)", a.id.str(), actionTypeName(a.type), r.durationMs);
    else if (controls_.logActions)
      spdlog::warn("{}: {} {} ({} ms): {}", a.id.str(), actionTypeName(a.type), r.outcome,
                   r.durationMs, r.error.message());
    else if (!controls_.quiet)
      env_.err << "  " << a.id.str() << ": " << actionTypeName(a.type) << " " << r.outcome << " ("
               << r.durationMs << " ms)\n";
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
  void note(const Status& s) {
    if (s) return;
    if (controls_.logActions)
      spdlog::warn("could not record in the state store: {}", s.message());
    else
      env_.err << "warning: could not record in the state store: " << s.message() << "\n";
  }

  Store& store_;
  int64_t runId_;
  const Inventory& inventory_;
  CliEnv& env_;
  const CycleControls& controls_;
  std::map<ResourceId, int64_t> ids_;
};

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

// Deferred and refused actions are recorded with their reason; objects that already existed
// and are taken over without a change (adopted) are written to the inventory as "adopted".
void recordNonExecuted(Store& store, int64_t runId, const Plan& plan) {
  for (const auto& a : plan.actions) {
    if (a.type == ActionType::kDeferred)
      (void)store.recordAction(runId, a, "deferred", a.reason);
    else if (isRefusal(a.type))
      (void)store.recordAction(runId, a, "refused", a.reason);
    else if (a.type == ActionType::kNoOp && a.adopting)
      (void)store.putInventory(
          InventoryEntry{a.id, a.host, a.key, "adopted", contentDigest(a.desired.dump()),
                         a.sourceFile.empty() ? "" : canonicalSpecPath(a.sourceFile)},
          true);
  }
}

// Failures start or extend a resource's back-off; a success ends it. `backoffs` (as read at
// the start of the cycle) is kept in step with the store.
void recordBackoffs(Store& store, std::map<std::string, Backoff>& backoffs,
                    const std::vector<ActionResult>& results, int64_t now) {
  for (const auto& r : results) {
    const std::string id = r.id.str();
    auto it = backoffs.find(id);
    if (r.outcome == "succeeded" && it != backoffs.end()) {
      (void)store.clearBackoff(id);
      backoffs.erase(it);
    } else if (r.outcome == "failed") {
      Backoff next = afterFailure(it == backoffs.end() ? Backoff{} : it->second, r.error.message(),
                                  now, BackoffPolicy{});
      (void)store.putBackoff(id, next);
      backoffs[id] = next;
    }
  }
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

int runApplyCycle(CliEnv& env, const CommonOptions& common, PlanCommandOptions& options,
                  Store& store, const RunInfo& who, const LoadResult* preloaded,
                  const CycleControls& controls, CycleResult& out) {
  auto recovered = store.recoverInterrupted();
  if (recovered && recovered.value() > 0) {
    const std::string note = std::to_string(recovered.value()) +
                             " action(s) of an earlier apply were interrupted; their resources "
                             "are re-observed and converged now.";
    if (controls.logActions)
      spdlog::warn("{}", note);
    else
      env.err << "note: " << note << "\n";
  }
  auto runId = store.beginRun(who);
  if (!runId) return out.exitCode = reportError(env, runId.status());
  out.runId = runId.value();
  Prepared& p = out.prepared;
  if (preloaded) {
    p.loaded = *preloaded;
    p.preloaded = true;
  }
  int rc = prepare(env, common, options, p, &store);
  if (rc != exit_code::kOk) {
    (void)store.endRun(out.runId, rc, "failed", "could not plan");
    return out.exitCode = rc;
  }
  // Read once: what is held back now is what this cycle's results extend or clear.
  auto backoffs = store.backoffs();
  if (controls.respectBackoff && backoffs)
    out.heldBack = holdBackOff(p.plan, backoffs.value(), env.clock.nowSeconds());
  recordNonExecuted(store, out.runId, p.plan);
  if (controls.onPlan) controls.onPlan(p.plan);

  ObservedState after = p.observed;
  Plan now = p.plan;
  if (controls.execute) {
    ApplyRecorder recorder(store, out.runId, p.inventory, env, controls);
    ExecutorOptions exec;
    exec.parallelism = options.parallelism;
    exec.cancel = controls.cancel;
    Executor executor(env.providers, env.clock, recorder, exec);
    out.results = executor.run(p.plan);
    if (backoffs) recordBackoffs(store, backoffs.value(), out.results, env.clock.nowSeconds());
    // Read back what the estate looks like now, so offline plans and the next run start from
    // it. Checks judge the estate as it is now, so they get a plan made from what was observed.
    if (!out.results.empty()) {
      after = observeEstate(p.loaded.desired, p.inventory, p.observed, env.providers, env.prober,
                            options.parallelism);
      (void)store.saveObservations(after);
      auto inventoryNow = store.inventory();
      now = plan(p.loaded.desired, after, inventoryNow ? inventoryNow.value() : p.inventory,
                 options.plan, env.clock.nowSeconds());
    }
    recordKeyEvents(store, out.runId, p.plan, out.results);
  } else {
    // Self-heal is off: every change is drift to report, recorded so history shows it.
    for (const auto& a : p.plan.actions)
      if (isChange(a.type))
        (void)store.recordAction(out.runId, a, "drift", "self-heal is off: reported, not changed");
  }
  CriteriaRunner runner(env.http, env.clock, env.loopbackOnly);
  std::set<ResourceId> applying;
  for (const auto& r : out.results) applying.insert(r.id);
  out.backlog = evaluateBacklog(p.loaded.desired, after, now, applying, store, &runner, true,
                                env.clock.nowSeconds(), controls.heavyRecheckSeconds);

  for (const auto& r : out.results) {
    out.failed += r.outcome == "failed" || r.outcome == "skipped";
    out.cancelled += r.outcome == "cancelled";
  }
  PlanSummary s = p.plan.summary();
  rc = exit_code::kOk;
  if (out.failed > 0 || s.refused > 0 || out.cancelled > 0)
    rc = exit_code::kPartialFailure;
  else if (options.detailedExitcode && s.deferred > 0)
    rc = exit_code::kDeferred;
  int applied = static_cast<int>(out.results.size()) - out.failed - out.cancelled;
  out.summary = std::to_string(applied) + " applied, " + std::to_string(out.failed) + " failed, " +
                std::to_string(s.refused) + " refused, " + std::to_string(s.deferred) + " deferred";
  if (out.cancelled > 0) out.summary += ", " + std::to_string(out.cancelled) + " cancelled";
  if (!controls.execute) {
    int drift = 0;
    for (const auto& a : p.plan.actions) drift += isChange(a.type);
    out.summary = std::to_string(drift) + " drifted (self-heal off), " + std::to_string(s.refused) +
                  " refused, " + std::to_string(s.deferred) + " deferred";
  }
  if (backoffs) out.backoffs = static_cast<int>(backoffs.value().size());
  std::string status = rc == exit_code::kPartialFailure ? "partial" : "succeeded";
  if (out.cancelled > 0) status = "interrupted";
  (void)store.endRun(out.runId, rc, status, out.summary);
  return out.exitCode = rc;
}

}  // namespace hx
