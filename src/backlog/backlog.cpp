#include "src/backlog/backlog.h"

#include "reconciler/calendar.h"
#include "src/backlog/baselines.h"

namespace hx {

std::map<std::string, TaskProgress> taskProgressOf(
    const std::map<std::string, TaskEvaluation>& recorded) {
  std::map<std::string, TaskProgress> out;
  for (const auto& [name, e] : recorded)
    out[name] =
        e.status == TaskStatus::kCompleted ? TaskProgress::kCompleted : TaskProgress::kUnknown;
  return out;
}

std::set<std::string> statusStartsSeen(Store& store,
                                       const std::vector<TaskEvaluation>& evaluations) {
  std::set<std::string> seen;
  auto transitions = store.lastTaskTransitions();
  const std::map<std::string, TaskTransition> none;
  const auto& last = transitions ? transitions.value() : none;
  for (const auto& e : evaluations) {
    auto it = last.find(e.task);
    const bool recordedStart =
        it != last.end() && !it->second.from.empty() && it->second.to == taskStatusName(e.status);
    if (!transitions || recordedStart || (e.changed && e.previous)) seen.insert(e.task);
  }
  return seen;
}

Result<std::vector<TaskEvaluation>> evaluateBacklog(
    const DesiredState& desired, const ObservedState& observed, const Plan& plan,
    const std::set<ResourceId>& applying, Store& store, CriteriaRunner* runner, bool record,
    int64_t now, int64_t heavyRecheckSeconds,
    const std::optional<std::set<std::string>>& onlyTasks) {
  auto recorded = store.taskEvaluations();
  if (!recorded) return recorded.status();
  std::map<std::string, TaskRecord> previous;
  for (const auto& [name, e] : recorded.value()) previous[name] = TaskRecord{e.status, e.since};
  if (runner)
    runner->setHostHistory(
        [&store](const std::string& host) { return store.hostTransitions(host, 100000); });
  const Resource* calendar = backlogCalendar(desired);
  const double tolerance = calendar ? calendar->spec.value("baselineTolerance", 0.5) : 0.5;
  // The last recorded results of a task: its criteria's, or (when a prerequisite blocked it) its
  // prerequisites'.
  auto lastOf = [&](const Resource& task, bool ofPrerequisites) {
    std::vector<CriterionResult> out;
    auto it = recorded.value().find(task.id.name);
    if (it == recorded.value().end()) return out;
    for (const auto& c : it->second.criteria)
      if (c.prerequisite.empty() != ofPrerequisites) out.push_back(c);
    return out;
  };
  CriteriaSource prerequisites = [&](const Resource& task) {
    if (!runner || (onlyTasks && !onlyTasks->count(task.id.name))) return lastOf(task, true);
    return runner->runPrerequisites(task, desired, observed, plan);
  };
  CriteriaSource criteria = [&](const Resource& task) {
    const std::vector<CriterionResult> last = lastOf(task, false);
    if (!runner || (onlyTasks && !onlyTasks->count(task.id.name))) return last;
    std::vector<CriterionResult> fresh =
        runner->run(task, desired, observed, plan, last, heavyRecheckSeconds);
    // A baseline that cannot be read is a comparison missed, said where the figures are, not a
    // reason to lose the evaluation.
    if (auto flagged = compareWithBaselines(task, fresh, store, tolerance, record); !flagged)
      for (auto& r : fresh)
        if (r.kind == "load")
          r.value += "; not compared with its baseline: " + flagged.status().message();
    return fresh;
  };
  std::vector<TaskEvaluation> evaluations =
      evaluateTasks(desired, observed, plan, applying, criteria, previous, now, prerequisites);
  // A partial run (--target) judges only what it touched; every other task keeps its record, so
  // that what it did not plan cannot look regressed.
  if (onlyTasks)
    for (auto& e : evaluations) {
      auto it = recorded.value().find(e.task);
      if (onlyTasks->count(e.task) || it == recorded.value().end()) continue;
      e = it->second;
      e.previous = e.status;
      e.changed = false;
    }
  if (record) {
    if (Status s = store.recordTaskEvaluations(evaluations); !s) return s;
    if (calendar) {
      std::vector<TaskEscalation> escalated;
      for (const auto& e : escalationsOf(*calendar, desired, evaluations, now,
                                         statusStartsSeen(store, evaluations)))
        escalated.push_back({e.task, e.status, e.priority, e.why, e.since, e.escalatedAt});
      if (Status s = store.recordEscalations(escalated); !s) return s;
    }
  }
  return evaluations;
}

}  // namespace hx
