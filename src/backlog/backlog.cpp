#include "src/backlog/backlog.h"

namespace hx {

std::map<std::string, TaskProgress> taskProgressOf(
    const std::map<std::string, TaskEvaluation>& recorded) {
  std::map<std::string, TaskProgress> out;
  for (const auto& [name, e] : recorded)
    out[name] =
        e.status == TaskStatus::kCompleted ? TaskProgress::kCompleted : TaskProgress::kUnknown;
  return out;
}

Result<std::vector<TaskEvaluation>> evaluateBacklog(const DesiredState& desired,
                                                    const ObservedState& observed, const Plan& plan,
                                                    const std::set<ResourceId>& applying,
                                                    Store& store, CriteriaRunner* runner,
                                                    bool record, int64_t now,
                                                    int64_t heavyRecheckSeconds) {
  auto recorded = store.taskEvaluations();
  if (!recorded) return recorded.status();
  std::map<std::string, TaskRecord> previous;
  for (const auto& [name, e] : recorded.value()) previous[name] = TaskRecord{e.status, e.since};
  if (runner)
    runner->setHostHistory(
        [&store](const std::string& host) { return store.hostTransitions(host, 100000); });
  CriteriaSource criteria = [&](const Resource& task) {
    auto it = recorded.value().find(task.id.name);
    const std::vector<CriterionResult> none;
    const std::vector<CriterionResult>& last =
        it == recorded.value().end() ? none : it->second.criteria;
    if (!runner) return last;
    return runner->run(task, desired, observed, plan, last, heavyRecheckSeconds);
  };
  std::vector<TaskEvaluation> evaluations =
      evaluateTasks(desired, observed, plan, applying, criteria, previous, now);
  if (record)
    if (Status s = store.recordTaskEvaluations(evaluations); !s) return s;
  return evaluations;
}

}  // namespace hx
