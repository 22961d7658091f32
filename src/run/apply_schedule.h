// Which action of a plan may start now: a pure, single-threaded schedule (as ninja's Plan:
// findWork() / finished()), so the order rules are tested step by step without threads. The
// executor's workers only do the work it hands out.
//
// The rules: an action waits for the actions of this plan it depends on, and is skipped when one
// of them did not succeed; a dependency this plan deletes is not waited for (it is going away).
// Deletes wait until every other action has ended, then run one at a time in plan order (the
// planner puts dependents first).
//
// Each action counts the dependencies it still waits for; the one that ends last puts it on a
// ready queue (lowest plan index first), so handing out the work of N actions costs N log N,
// not a scan of the plan per pick.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reconciler/plan.h"
#include "src/run/executor.h"

namespace hx {

class ApplySchedule {
 public:
  // The plan's changes (creates, updates, replaces, deletes), in plan order. `plan` must outlive
  // the schedule.
  explicit ApplySchedule(const Plan& plan);

  size_t size() const { return todo_.size(); }
  const PlanAction& action(size_t i) const { return *todo_[i]; }

  // The next action that may start now, marked started; nullopt when none may (yet). Actions
  // found unable to run (a dependency failed) are settled on the way: see takeSettled().
  std::optional<size_t> findWork();
  // A started action ended.
  void finished(size_t i, ActionOutcome outcome);
  // Settles every action not started yet as cancelled (hxctl is stopping).
  void cancelRest();

  struct Settled {
    size_t index;
    ActionOutcome outcome;  // kSkipped or kCancelled
    std::string why;
  };
  // The actions settled without running since the last call.
  std::vector<Settled> takeSettled();

  // Every action has ended (ran, skipped or cancelled).
  bool done() const { return ended_ == todo_.size(); }
  // Nothing is left to hand out (some may still be running).
  bool allTaken() const { return takenCount_ == todo_.size(); }

 private:
  void settle(size_t i, ActionOutcome outcome, std::string why);
  void take(size_t i);
  std::optional<size_t> nextDelete();

  std::vector<const PlanAction*> todo_;
  std::map<ResourceId, size_t> indexOf_;
  std::vector<std::vector<size_t>> dependents_;  // i -> the non-deletes that wait for i
  std::vector<size_t> waitingFor_;               // dependencies not ended yet, per action
  std::vector<bool> taken_;                      // started or settled
  std::vector<std::optional<ActionOutcome>> outcome_;
  std::set<size_t> ready_;       // non-deletes that may start, by plan order
  std::vector<size_t> deletes_;  // in plan order
  size_t deleteCursor_ = 0;      // the first delete not ended
  std::vector<Settled> settled_;
  size_t takenCount_ = 0;
  size_t nonDeletesLeft_ = 0;
  size_t ended_ = 0;
  bool cancelling_ = false;
};

}  // namespace hx
