// Task status is derived, never typed in (DESIGN §5). Pure: the caller passes what was observed,
// the criteria's results and the task's previous status.
//
//   held         a hold is set (its reason is shown)
//   blocked      a dependency is not met: a host not active, a task not completed, or a key its
//                checks present that another task has yet to deliver (each named)
//   ready        dependencies met, nothing proven yet, its resources not yet converged: the work
//                can start (a task with no resources of its own is ready until a check passes)
//   in_progress  its resources are being applied (this run acted on them) or are applied and
//                await proof, or some (not all) criteria pass
//   completed    every criterion passes (one that could not run leaves a completed task so)
//   regressed    was completed, and a criterion now fails or a dependency is gone (its host
//                down, a task it waits on no longer completed): the alert must see it, which
//                `blocked` would hide
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconciler/observed.h"
#include "reconciler/plan.h"
#include "reconciler/resource.h"

namespace hx {

enum class TaskStatus { kHeld, kBlocked, kReady, kInProgress, kCompleted, kRegressed };
inline constexpr TaskStatus kAllTaskStatuses[] = {TaskStatus::kHeld,      TaskStatus::kBlocked,
                                                  TaskStatus::kReady,     TaskStatus::kInProgress,
                                                  TaskStatus::kCompleted, TaskStatus::kRegressed};
const char* taskStatusName(TaskStatus s);
std::optional<TaskStatus> parseTaskStatus(const std::string& s);

struct CriterionResult {
  std::string kind;     // "generate", "load", ...
  std::string subject;  // what it checked: "Model/mixtral", "http://.../metrics"
  bool pass = false;
  std::string value;      // what was measured: "412 ms", "768 dims", "1530 rps, 0.2% errors"
  std::string threshold;  // what was required: "< 30 s", "= 768", ">= 1000 rps"
  std::string detail;     // why it failed, when it did
  int64_t at = 0;         // unix seconds
  // The measured figures as numbers, for metrics and baselines (availability's "ratio", load's
  // "avgMs", "p95Ms", "rps"), with the labels that identify them. Not recorded: figures belong
  // to the evaluation that measured them.
  std::map<std::string, double> figures = {};
  std::map<std::string, std::string> figureLabels = {};
  // The check could not run (a secret missing, its server's objects unobservable, not planned
  // in a --target run): no proof either way, so neither a pass nor a failure.
  bool unknown = false;
  // Set on the check of a prerequisite (spec.prerequisites[].check): the operators' words it
  // checks. Such a result gates the task (blocked while it fails) and proves nothing.
  std::string prerequisite = {};
};

struct TaskRecord {
  TaskStatus status = TaskStatus::kReady;
  int64_t since = 0;  // unix seconds of the last transition
};

struct TaskEvaluation {
  std::string task;
  TaskStatus status = TaskStatus::kReady;
  std::vector<std::string> waitingOn;  // "host llm-primary is pending_installation since ..."
  std::vector<CriterionResult> criteria;
  int64_t since = 0;
  bool changed = false;  // status differs from the previous record
  std::optional<TaskStatus> previous;
};

// Supplies a task's criterion results; called only for tasks that are neither held nor blocked,
// in dependency order, so live checks never run against work that cannot be done yet.
using CriteriaSource = std::function<std::vector<CriterionResult>(const Resource& task)>;

// The prerequisites of a task that carry a check, in spec order: {words, check}. A prerequisite
// given as words alone is shown, never checked.
std::vector<std::pair<std::string, Json>> checkedPrerequisites(const Resource& task);
// The words of a prerequisite entry, whichever form it takes.
std::string prerequisiteWords(const Json& entry);

// Evaluates every task in dependency order. `plan` says whether gated resources are converged;
// `applying` holds the resources the current run acted on (empty outside an apply); `previous` is
// the last recorded status of each task. `prerequisites`, when given, supplies the results of a
// task's checked prerequisites (each with `prerequisite` set), run before its criteria: one that
// fails blocks the task (regresses a done one) with its words, and its criteria are not run.
std::vector<TaskEvaluation> evaluateTasks(const DesiredState& desired,
                                          const ObservedState& observed, const Plan& plan,
                                          const std::set<ResourceId>& applying,
                                          const CriteriaSource& criteria,
                                          const std::map<std::string, TaskRecord>& previous,
                                          int64_t now, const CriteriaSource& prerequisites = {});

// What a task waits on that is not there yet: hosts not active, tasks not completed (with their
// current status and since when, from `current`: this evaluation's results so far).
std::vector<std::string> unmetDependencies(const Resource& task, const ObservedState& observed,
                                           const std::map<std::string, TaskRecord>& current);

}  // namespace hx
