// One apply, under a lock the caller holds: plan, carry it out, read back, record, and move the
// backlog. `hxctl apply` runs it once; the daemon runs it every cycle.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "src/run/executor.h"
#include "src/run/prepare.h"
#include "src/run/run_outcome.h"

namespace hx {

struct CycleControls {
  bool execute = true;          // false (--no-self-heal): plan and report drift, change nothing
  bool respectBackoff = false;  // the daemon holds back resources that failed recently
  bool quiet = false;           // actions not reported as they run (apply -o json)
  const std::atomic<bool>* cancel = nullptr;  // SIGTERM: finish the action in flight, stop
  std::function<void(const Plan&)> onPlan;    // told the plan before anything is carried out
  // Asked after onPlan, before anything is carried out or recorded as deferred: "" goes on;
  // otherwise nothing is applied, the run is recorded as declined with that reason (the gate has
  // told the operator), and the cycle ends with kError. apply's confirmation and its check that
  // a saved plan still holds.
  std::function<std::string(const Prepared&)> gate;
  // After a wave, tasks that completed in it open the gates of what waits on them: with
  // moreWaves the cycle plans again and carries that out too, up to a fixpoint. onWave is told
  // each further wave's plan (and the tasks that opened it) before it is carried out, and may
  // stop there (false: that work stays deferred). Off for a saved plan, which does exactly what
  // it showed.
  bool moreWaves = true;
  std::function<bool(int wave, const Plan&, const std::vector<std::string>& opened)> onWave;
  int64_t heavyRecheckSeconds = 0;  // reuse passing load / ingest checks this young (daemon)
};

struct CycleResult {
  RunOutcome outcome = RunOutcome::kOk;
  int64_t runId = 0;
  Prepared prepared;
  std::vector<ActionResult> results;
  Result<std::vector<TaskEvaluation>> backlog = std::vector<TaskEvaluation>{};
  int failed = 0;
  int cancelled = 0;
  int heldBack = 0;             // deferred by back-off
  bool declined = false;        // the gate said no: nothing was applied
  int waves = 1;                // how many plans were carried out (moreWaves)
  PlanSummary lastSummary;      // of the last wave's plan: what is still deferred or refused
  std::optional<int> backoffs;  // resources backing off after this cycle, if the store could say
  std::string summary;
};

// `preloaded`: specs already loaded and valid (the daemon's last good ones), copied in; or the
// caller moves them into out.prepared.loaded and sets out.prepared.preloaded; otherwise loaded
// here. Returns how it ended (also in out.outcome); kDeferred only with
// options.detailedExitcode.
RunOutcome runApplyCycle(RunEnv& env, const RunOptions& common, PlanCommandOptions& options,
                         Store& store, const RunInfo& who, const LoadResult* preloaded,
                         const CycleControls& controls, CycleResult& out);

// "Backlog: 12 tasks, 3 blocked, ..." or "" when there is no backlog.
std::string backlogLine(const std::vector<TaskEvaluation>& backlog);

}  // namespace hx
