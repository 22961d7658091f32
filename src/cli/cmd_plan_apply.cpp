// plan and apply: load -> validate -> observe -> plan -> render (-> lock -> execute -> record).
// plan -out saves the plan; apply FILE carries out exactly that plan or refuses a stale one;
// apply alone shows the plan and asks for "yes" unless --auto-approve.
#include <signal.h>

#include <filesystem>

#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupt_guard.h"
#include "src/cli/load_specs.h"
#include "src/platform/atomic_file.h"
#include "src/run/apply_cycle.h"
#include "src/run/lock_session.h"
#include "src/run/process_info.h"
#include "src/run/saved_plan.h"

#ifndef HXCTL_VERSION
#define HXCTL_VERSION "dev"
#endif

namespace hx {

namespace {

int savePlan(CliEnv& env, const CommonOptions& common, const PlanCommandOptions& options,
             const Prepared& p, const std::string& file) {
  SavedPlan saved = savePlanOf(p.loaded, p.plan, options, common, HXCTL_VERSION, planJson(p.plan),
                               formatTime(env.clock.nowSeconds()));
  if (Status s = writeFileAtomically(file, toJsonText(savedPlanJson(saved)) + "\n"); !s) {
    env.err << "error: could not save the plan to " << file << ": " << s.message() << "\n";
    return exit_code::kError;
  }
  if (!common.json())
    env.out << "\nSaved the plan to " << file
            << ". To carry out exactly these actions: hxctl apply " << file << "\n";
  return exit_code::kOk;
}

// The saved plan in `file`, with the command line made to match it: its specs, its store, its
// options. Refuses flags that would make apply do something else than the plan showed.
int loadSavedPlan(CliEnv& env, CommonOptions& common, PlanCommandOptions& options,
                  const std::string& file, SavedPlan& saved) {
  auto text = readFileIfExists(file);
  if (!text || !text.value()) {
    env.err << "error: cannot read the saved plan " << file
            << (text ? ": no such file" : ": " + text.status().message()) << "\n";
    return exit_code::kError;
  }
  auto parsed = parseSavedPlan(*text.value());
  if (!parsed) {
    env.err << "error: " << file << ": " << parsed.status().message() << "\n";
    return exit_code::kError;
  }
  saved = std::move(parsed.value());
  if (saved.version != HXCTL_VERSION) {
    env.err << "error: " << file << " was saved by hxctl " << saved.version << ", this is hxctl "
            << HXCTL_VERSION << ": plan again with this one\n";
    return exit_code::kError;
  }
  const PlanOptions& o = options.plan;
  if (!common.files.empty() || o.prune || o.allowMassPrune || o.allowReplace || o.force ||
      !options.target.empty()) {
    env.err << "error: a saved plan fixes its specs and options (-f, --prune, --target, ...): "
               "leave them out of apply "
            << file << ", or plan again with them\n";
    return exit_code::kError;
  }
  std::error_code ec;
  auto here = Store::isUrl(common.statePath)
                  ? common.statePath
                  : std::filesystem::absolute(common.statePath, ec).lexically_normal().string();
  if (common.stateGiven && here != saved.statePath) {
    env.err << "error: " << file << " was planned against the store " << saved.statePath
            << ", and --state (or HXCTL_STATE) names " << here
            << ": plan again against this store\n";
    return exit_code::kError;
  }
  common.statePath = saved.statePath;
  common.files = saved.files;
  common.estate = saved.estate;
  common.configPath = saved.configPath;
  restorePlanOptions(saved, options);
  return exit_code::kOk;
}

// Asks on the terminal, as Terraform does; anything but "yes" declines.
bool approved(CliEnv& env) {
  env.out << "\nDo you want to perform these actions?\n"
          << "  hxctl will carry out the actions shown above.\n"
          << "  Only 'yes' will be accepted to approve.\n\n"
          << "  Enter a value: " << std::flush;
  std::string answer;
  if (!env.in || !std::getline(*env.in, answer)) answer.clear();
  env.out << "\n";
  return answer == "yes";
}

}  // namespace

int cmdPlan(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
            const std::string& outFile) {
  options.keepSalt = !outFile.empty();
  Prepared p;
  if (int rc = loadAndPrepare(env, common, options, p)) return rc;
  if (common.json())
    env.out << toJsonText(planJson(p.plan)) << "\n";
  else
    renderPlanText(env.out, p.plan, common.style);
  if (!outFile.empty())
    if (int rc = savePlan(env, common, options, p, outFile)) return rc;
  // Terraform's 2 means "apply would change something"; hxctl's means "the estate is not as
  // declared": deferred, refused and orphaned objects are not converged either.
  if (options.detailedExitcode && !p.plan.summary().converged()) return exit_code::kChanges;
  return exit_code::kOk;
}

int cmdApply(CliEnv& env, CommonOptions common, PlanCommandOptions options,
             const ApplyCliOptions& cli) {
  SavedPlan saved;
  const bool fromFile = !cli.planFile.empty();
  if (fromFile) {
    if (int rc = loadSavedPlan(env, common, options, cli.planFile, saved)) return rc;
  } else if (common.files.empty()) {
    env.err << "error: apply needs specs (-f FILE|DIR, or specs: in hxctl.yaml) or a saved plan "
               "(hxctl apply FILE)\n";
    return exit_code::kError;
  } else if (!cli.autoApprove && (!env.inIsTty || !env.in || common.json())) {
    // Terraform's -input=false: with nobody to ask, apply does not guess.
    env.err << "error: apply asks for approval and "
            << (common.json() ? "-o json leaves no room for the question"
                              : "there is no terminal to ask on")
            << ": pass --auto-approve, or save a plan (hxctl plan -f ... -out FILE), review it, "
               "and apply it (hxctl apply FILE)\n";
    return exit_code::kError;
  }
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
  if (fromFile) {
    controls.gate = [&](const Prepared& p) -> std::string {
      auto why = stalenessOf(saved, p.loaded, p.plan);
      if (why.empty()) return "";
      env.err << "error: the saved plan " << cli.planFile << " is stale, so nothing was applied:\n";
      for (const auto& line : why) env.err << "  - " << line << "\n";
      env.err << "Plan again (hxctl plan -out FILE) and review the new plan.\n";
      return "the saved plan " + cli.planFile + " is stale";
    };
  } else if (!cli.autoApprove) {
    controls.gate = [&](const Prepared& p) -> std::string {
      if (!p.plan.summary().hasChanges()) return "";  // nothing to approve
      if (approved(env)) return "";
      env.err << "Apply cancelled: nothing was changed.\n";
      return "not approved";
    };
  }
  // Tasks completed by this apply let what waits on them go on in the same run; a further wave
  // was not in the plan approved, so a person at the terminal is asked again.
  controls.moreWaves = !fromFile;
  controls.onWave = [&](int wave, const Plan& next, const std::vector<std::string>& opened) {
    if (!common.json()) {
      env.out << "\nCompleted in this run: task";
      for (const auto& t : opened) env.out << " " << t;
      env.out << ". What waited on " << (opened.size() == 1 ? "it" : "them") << " goes on (wave "
              << wave << "):\n";
      renderPlanText(env.out, next, common.style);
    }
    if (cli.autoApprove || approved(env)) return true;
    env.err << "Not approved: the rest stays deferred until the next apply.\n";
    return false;
  };
  CycleResult cycle;
  // The specs are handed over, not copied: at 10 000 resources a copy is tens of MiB.
  cycle.prepared.loaded = std::move(loaded);
  cycle.prepared.preloaded = true;
  int rc;
  {
    Heartbeat heartbeat(env.clock, common.statePath, lock.value().lockId);
    rc = exitCodeOf(runApplyCycle(env, common, options, store, who, nullptr, controls, cycle));
  }
  if (Status released = store.releaseLock(lock.value().lockId); !released) {
    // The next apply breaks a dead holder's lock by itself; say so rather than exit 0 quietly.
    env.err << "error: could not release the store's lock: " << released.message() << "\n";
    if (rc == exit_code::kOk) rc = exit_code::kPartialFailure;
  }
  if (int sig = interrupts.signal()) {
    // Terraform's convention: 128 + the signal, with one line saying what was done. The run is
    // recorded with the code the process exits with, whatever the cycle concluded before the
    // signal reached it: history must say what the script saw.
    if (cycle.runId != 0)
      if (Status s = store.endRun(cycle.runId, 128 + sig, "interrupted", cycle.summary); !s)
        env.err << "error: could not record the interrupt in run " << cycle.runId << ": "
                << s.message() << "\n";
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
                               {"waves", cycle.waves},
                               {"results", resultsJson(cycle.results)},
                               {"exit_code", rc}})
            << "\n";
    return rc;
  }
  renderResultsText(env.out, cycle.results, common.style);
  if (cycle.results.empty()) env.out << "\nNothing to apply.";
  env.out << "\nRun " << cycle.runId << ": " << cycle.summary
          << (cycle.waves > 1 ? " in " + std::to_string(cycle.waves) + " waves" : "") << ".\n";
  if (!options.target.empty())
    // Terraform's warning: a targeted run is for exceptions, not the routine.
    env.err << "warning: --target " << options.target
            << " planned and applied part of the estate; only the tasks it touched were "
               "evaluated, the rest keep their records. Apply without --target to converge "
               "everything.\n";
  if (!cycle.backlog)
    env.err << "warning: could not evaluate the backlog: " << cycle.backlog.status().message()
            << "\n";
  else if (std::string line = backlogLine(cycle.backlog.value()); !line.empty())
    env.out << line << "\n";
  return rc;
}

}  // namespace hx
