// plan and apply: load -> validate -> observe -> plan -> render (-> lock -> execute -> record).
#include <signal.h>

#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupt_guard.h"
#include "src/cli/load_specs.h"
#include "src/run/apply_cycle.h"
#include "src/run/lock_session.h"
#include "src/run/process_info.h"

namespace hx {

int cmdPlan(CliEnv& env, const CommonOptions& common, PlanCommandOptions options) {
  Prepared p;
  if (int rc = loadAndPrepare(env, common, options, p)) return rc;
  if (common.json())
    env.out << toJsonText(planJson(p.plan)) << "\n";
  else
    renderPlanText(env.out, p.plan, common.style);
  if (options.detailedExitcode && p.plan.summary().hasChanges()) return exit_code::kChanges;
  return exit_code::kOk;
}

int cmdApply(CliEnv& env, const CommonOptions& common, PlanCommandOptions options) {
  auto waitMs = durationFlag(env, "--lock-timeout", options.lockTimeout, "30s");
  if (!waitMs) return exit_code::kError;
  auto recheck = durationFlag(env, "--recheck-heavy", options.recheckHeavy, "15m");
  if (!recheck) return exit_code::kError;
  LoadResult loaded;
  if (int rc = loadValid(env, common, loaded)) return rc;  // validate before touching the store
  auto opened = openStore(env, common.statePath);
  if (!opened) return exit_code::kError;
  Store& store = *opened.value();
  RunInfo who = currentProcess("apply");
  who.specDigest = loaded.digest;
  auto lock = takeLockBreakingDead(env, store, who, *waitMs);
  if (!lock) return exitCodeOf(lockRefused(env, store, lock.status()));

  // Before the heartbeat's and the executor's threads: they inherit its blocked signals.
  InterruptGuard interrupts(env.err, env.clock, common.statePath, lock.value().lockId);
  CycleControls controls;
  controls.cancel = interrupts.cancel();
  controls.quiet = common.json();
  controls.heavyRecheckSeconds = *recheck / 1000;
  if (!common.json())
    controls.onPlan = [&](const Plan& plan) { renderPlanText(env.out, plan, common.style); };
  CycleResult cycle;
  int rc;
  {
    Heartbeat heartbeat(env.clock, common.statePath, lock.value().lockId);
    rc = exitCodeOf(runApplyCycle(env, common, options, store, who, &loaded, controls, cycle));
  }
  if (Status released = store.releaseLock(lock.value().lockId); !released) {
    // The next apply breaks a dead holder's lock by itself; say so rather than exit 0 quietly.
    env.err << "error: could not release the store's lock: " << released.message() << "\n";
    if (rc == exit_code::kOk) rc = exit_code::kPartialFailure;
  }
  if (int sig = interrupts.signal()) {
    // Terraform's convention: 128 + the signal, with one line saying what was done.
    env.err << "Interrupted (" << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << "): " << (cycle.summary.empty() ? std::string("nothing was applied") : cycle.summary)
            << "; the lock is released.\n";
    return 128 + sig;
  }
  if (cycle.runId == 0 || cycle.summary.empty()) return rc;  // could not plan: already reported

  const Plan& plan = cycle.prepared.plan;
  if (common.json()) {
    env.out << toJsonText(Json{{"run", cycle.runId},
                               {"plan", planJson(plan)},
                               {"results", resultsJson(cycle.results)},
                               {"exit_code", rc}})
            << "\n";
    return rc;
  }
  renderResultsText(env.out, cycle.results, common.style);
  if (cycle.results.empty()) env.out << "\nNothing to apply.";
  env.out << "\nRun " << cycle.runId << ": " << cycle.summary << ".\n";
  if (!cycle.backlog)
    env.err << "warning: could not evaluate the backlog: " << cycle.backlog.status().message()
            << "\n";
  else if (std::string line = backlogLine(cycle.backlog.value()); !line.empty())
    env.out << line << "\n";
  return rc;
}

}  // namespace hx
