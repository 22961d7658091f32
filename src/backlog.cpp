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
                                                    bool record, int64_t now,
                                                    int64_t heavyRecheckSeconds) {
  auto recorded = store.taskEvaluations();
  if (!recorded) return recorded.status();
  std::map<std::string, TaskRecord> previous;
  for (const auto& [name, e] : recorded.value()) previous[name] = TaskRecord{e.status, e.since};
  CriteriaSource criteria = [&](const Resource& task) {
    auto it = recorded.value().find(task.id.name);
    if (!runner)
      return it == recorded.value().end() ? std::vector<CriterionResult>{} : it->second.criteria;
    if (heavyRecheckSeconds <= 0 || it == recorded.value().end())
      return runner->run(task, desired, observed, plan);
    const std::vector<CriterionResult>& before = it->second.criteria;
    std::vector<CriterionResult> out;
    const Json list = task.spec.value("criteria", Json::array());
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string kind = list[i].begin().key();
      bool heavy = kind == "load" || kind == "ingest";
      if (heavy && i < before.size() && before[i].kind == kind && before[i].pass &&
          now - before[i].at < heavyRecheckSeconds)
        out.push_back(before[i]);
      else
        out.push_back(runner->runOne(list[i], desired, observed, plan));
    }
    return out;
  };
  std::vector<TaskEvaluation> evaluations =
      evaluateTasks(desired, observed, plan, applying, criteria, previous, now);
  if (record)
    if (Status s = store.recordTaskEvaluations(evaluations); !s) return s;
  return evaluations;
}

}  // namespace hx
