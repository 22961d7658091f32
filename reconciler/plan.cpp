#include "reconciler/plan.h"

namespace hx {

const char* actionTriggerName(ActionTrigger t) {
  switch (t) {
    case ActionTrigger::kConverge:
      return "converge";
    case ActionTrigger::kPrune:
      return "prune";
    case ActionTrigger::kExpiry:
      return "expiry";
  }
  return "?";
}

const char* actionTypeName(ActionType t) {
  switch (t) {
    case ActionType::kNoOp:
      return "no-op";
    case ActionType::kCreate:
      return "create";
    case ActionType::kUpdate:
      return "update";
    case ActionType::kReplace:
      return "replace";
    case ActionType::kDelete:
      return "delete";
    case ActionType::kDeferred:
      return "deferred";
    case ActionType::kNeedsReplace:
      return "needs-replace";
    case ActionType::kConflict:
      return "conflict";
    case ActionType::kUnobservable:
      return "unobservable";
    case ActionType::kOrphan:
      return "orphan";
    case ActionType::kUnfixable:
      return "unfixable-drift";
    case ActionType::kUnsafe:
      return "unsafe";
  }
  return "no-op";
}

bool isChange(ActionType t) {
  return t == ActionType::kCreate || t == ActionType::kUpdate || t == ActionType::kReplace ||
         t == ActionType::kDelete;
}

bool isRefusal(ActionType t) {
  return t == ActionType::kNeedsReplace || t == ActionType::kConflict ||
         t == ActionType::kUnobservable || t == ActionType::kUnfixable || t == ActionType::kUnsafe;
}

PlanSummary Plan::summary() const {
  PlanSummary s;
  for (const auto& a : actions) {
    switch (a.type) {
      case ActionType::kCreate:
        ++s.add;
        break;
      case ActionType::kUpdate:
        ++s.change;
        break;
      case ActionType::kReplace:
        ++s.replace;
        break;
      case ActionType::kDelete:
        ++s.destroy;
        break;
      case ActionType::kDeferred:
        ++s.deferred;
        break;
      case ActionType::kOrphan:
        ++s.orphaned;
        break;
      default:
        if (isRefusal(a.type)) ++s.refused;
    }
  }
  return s;
}

const PlanAction* Plan::find(const ResourceId& id) const {
  for (const auto& a : actions)
    if (a.id == id) return &a;
  return nullptr;
}

std::string summaryLine(const PlanSummary& s) {
  if (s.converged()) return "No changes.";
  std::string line = "Plan: " + std::to_string(s.add) + " to add, " + std::to_string(s.change) +
                     " to change, " + std::to_string(s.replace) + " to replace, " +
                     std::to_string(s.destroy) + " to destroy, " + std::to_string(s.deferred) +
                     " deferred";
  if (s.refused > 0) line += ", " + std::to_string(s.refused) + " refused";
  if (s.orphaned > 0) line += ", " + std::to_string(s.orphaned) + " orphaned";
  return line + ".";
}

}  // namespace hx
