#include "src/backlog.h"

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
                                                    bool record, int64_t now) {
  auto recorded = store.taskEvaluations();
  if (!recorded) return recorded.status();
  std::map<std::string, TaskRecord> previous;
  for (const auto& [name, e] : recorded.value()) previous[name] = TaskRecord{e.status, e.since};
  CriteriaSource criteria = [&](const Resource& task) {
    if (runner) return runner->run(task, desired, observed, plan);
    auto it = recorded.value().find(task.id.name);
    return it == recorded.value().end() ? std::vector<CriterionResult>{} : it->second.criteria;
  };
  std::vector<TaskEvaluation> evaluations =
      evaluateTasks(desired, observed, plan, applying, criteria, previous, now);
  if (record)
    if (Status s = store.recordTaskEvaluations(evaluations); !s) return s;
  return evaluations;
}

}  // namespace hx
