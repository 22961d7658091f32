#include "src/run/apply_schedule.h"

namespace hx {

ApplySchedule::ApplySchedule(const Plan& plan) {
  for (const auto& a : plan.actions)
    if (isChange(a.type)) todo_.push_back(&a);
  for (const auto* a : todo_) {
    inPlan_.insert(a->id);
    if (a->type == ActionType::kDelete)
      deleting_.insert(a->id);
    else
      ++nonDeletesLeft_;
  }
}

void ApplySchedule::settle(size_t i, ActionOutcome outcome, std::string why) {
  taken_.insert(i);
  finished(i, outcome);
  settled_.push_back(Settled{i, outcome, std::move(why)});
}

std::optional<size_t> ApplySchedule::findWork() {
  for (size_t i = 0; i < todo_.size(); ++i) {
    if (taken_.count(i)) continue;
    const PlanAction& a = *todo_[i];
    if (a.type == ActionType::kDelete) {
      if (nonDeletesLeft_ > 0) continue;
      bool earlierDeletePending = false;
      for (size_t j = 0; j < i; ++j)
        if (todo_[j]->type == ActionType::kDelete && !outcome_.count(todo_[j]->id))
          earlierDeletePending = true;
      if (earlierDeletePending) continue;
    }
    std::string failedDep;
    bool waiting = false;
    for (const auto& dep : a.dependsOn) {
      if (!inPlan_.count(dep) || (a.type != ActionType::kDelete && deleting_.count(dep))) continue;
      auto it = outcome_.find(dep);
      if (it == outcome_.end())
        waiting = true;
      else if (it->second != ActionOutcome::kSucceeded)
        failedDep = dep.str();
    }
    if (!failedDep.empty()) {
      settle(i, ActionOutcome::kSkipped,
             "skipped: depends on " + failedDep + ", which did not succeed");
      return findWork();  // its dependents may now be settled too, or others freed
    }
    if (waiting) continue;
    taken_.insert(i);
    return i;
  }
  return std::nullopt;
}

void ApplySchedule::finished(size_t i, ActionOutcome outcome) {
  const PlanAction& a = *todo_[i];
  outcome_[a.id] = outcome;
  if (a.type != ActionType::kDelete) --nonDeletesLeft_;
  ++ended_;
}

void ApplySchedule::cancelRest() {
  for (size_t i = 0; i < todo_.size(); ++i)
    if (!taken_.count(i)) settle(i, ActionOutcome::kCancelled, "cancelled: hxctl is stopping");
}

std::vector<ApplySchedule::Settled> ApplySchedule::takeSettled() {
  std::vector<Settled> out;
  out.swap(settled_);
  return out;
}

}  // namespace hx
