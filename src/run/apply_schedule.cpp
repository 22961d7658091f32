#include "src/run/apply_schedule.h"

namespace hx {

ApplySchedule::ApplySchedule(const Plan& plan) {
  for (const auto& a : plan.actions)
    if (isChange(a.type)) todo_.push_back(&a);
  const size_t n = todo_.size();
  dependents_.resize(n);
  waitingFor_.assign(n, 0);
  taken_.assign(n, false);
  outcome_.assign(n, std::nullopt);
  for (size_t i = 0; i < n; ++i) indexOf_.emplace(todo_[i]->id, i);
  for (size_t i = 0; i < n; ++i) {
    const PlanAction& a = *todo_[i];
    if (a.type == ActionType::kDelete) {
      deletes_.push_back(i);
      continue;
    }
    ++nonDeletesLeft_;
    // A dependency outside the plan is there already; one the plan deletes is going away.
    for (const auto& dep : a.dependsOn) {
      auto j = indexOf_.find(dep);
      if (j == indexOf_.end() || todo_[j->second]->type == ActionType::kDelete) continue;
      ++waitingFor_[i];
      dependents_[j->second].push_back(i);
    }
    if (waitingFor_[i] == 0) ready_.insert(i);
  }
}

void ApplySchedule::take(size_t i) {
  taken_[i] = true;
  ++takenCount_;
  ready_.erase(i);
}

void ApplySchedule::settle(size_t i, ActionOutcome outcome, std::string why) {
  take(i);
  settled_.push_back(Settled{i, outcome, std::move(why)});
  finished(i, outcome);
}

// The delete at the cursor, once every other action has ended and the delete before it too.
std::optional<size_t> ApplySchedule::nextDelete() {
  while (nonDeletesLeft_ == 0 && deleteCursor_ < deletes_.size()) {
    const size_t i = deletes_[deleteCursor_];
    if (taken_[i]) {
      if (!outcome_[i]) return std::nullopt;  // running: deletes go one at a time
      ++deleteCursor_;
      continue;
    }
    std::string failedDep;
    for (const auto& dep : todo_[i]->dependsOn) {
      auto j = indexOf_.find(dep);
      if (j == indexOf_.end()) continue;
      if (!outcome_[j->second]) return std::nullopt;  // waits
      if (*outcome_[j->second] != ActionOutcome::kSucceeded) failedDep = dep.str();
    }
    if (!failedDep.empty()) {
      settle(i, ActionOutcome::kSkipped,
             "skipped: depends on " + failedDep + ", which did not succeed");
      continue;
    }
    take(i);
    return i;
  }
  return std::nullopt;
}

std::optional<size_t> ApplySchedule::findWork() {
  if (!ready_.empty()) {
    const size_t i = *ready_.begin();
    take(i);
    return i;
  }
  return nextDelete();
}

void ApplySchedule::finished(size_t first, ActionOutcome firstOutcome) {
  // What ends can skip its dependents, and theirs in turn: a worklist, not recursion, so a long
  // chain of dependencies cannot exhaust the stack.
  std::vector<std::pair<size_t, ActionOutcome>> ending{{first, firstOutcome}};
  while (!ending.empty()) {
    auto [i, outcome] = ending.back();
    ending.pop_back();
    outcome_[i] = outcome;
    if (todo_[i]->type != ActionType::kDelete) --nonDeletesLeft_;
    ++ended_;
    for (size_t d : dependents_[i]) {
      if (taken_[d]) continue;
      if (outcome == ActionOutcome::kSucceeded) {
        if (--waitingFor_[d] == 0) ready_.insert(d);
        continue;
      }
      if (cancelling_) continue;  // cancelRest settles it
      take(d);
      settled_.push_back(
          Settled{d, ActionOutcome::kSkipped,
                  "skipped: depends on " + todo_[i]->id.str() + ", which did not succeed"});
      ending.emplace_back(d, ActionOutcome::kSkipped);
    }
  }
}

void ApplySchedule::cancelRest() {
  cancelling_ = true;
  for (size_t i = 0; i < todo_.size(); ++i)
    if (!taken_[i]) settle(i, ActionOutcome::kCancelled, "cancelled: hxctl is stopping");
  cancelling_ = false;
}

std::vector<ApplySchedule::Settled> ApplySchedule::takeSettled() {
  std::vector<Settled> out;
  out.swap(settled_);
  return out;
}

}  // namespace hx
