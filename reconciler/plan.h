// The planner's output: one action per resource, with the reason and field-level changes decided
// by the planner. Renderers only format these; they never infer why.
#pragma once

#include <string>
#include <vector>

#include "reconciler/observed.h"
#include "reconciler/resource.h"

namespace hx {

enum class ActionType {
  kNoOp,
  kCreate,
  kUpdate,
  kReplace,
  kDelete,
  kDeferred,      // a dependency is not ready; reason names it
  kNeedsReplace,  // an immutable field changed and replacement was not allowed
  kConflict,      // exists but hxctl does not own it and may not adopt it
  kUnobservable,  // the provider could not observe; nothing is known
  kOrphan,        // hxctl created it, the specs no longer declare it, prune is off
  kUnfixable,     // drift hxctl cannot repair (a model an OpenAI-compatible server lacks)
  kUnsafe,        // would lock the operators out of a host (SSH); needs --force
};
const char* actionTypeName(ActionType t);
bool isChange(ActionType t);   // create, update, replace, delete
bool isRefusal(ActionType t);  // needs-replace, conflict, unobservable, unfixable, unsafe

struct FieldChange {
  std::string path;  // "hnsw.m"
  Json before;       // null when absent
  Json after;        // null when removed
  bool sensitive = false;
  bool forcesReplace = false;
};

// Why an action is planned, where its type alone does not say (a delete may be a prune or an
// expiry), for those who act on it (the key audit) without reading its sentence.
enum class ActionTrigger { kConverge, kPrune, kExpiry };
const char* actionTriggerName(ActionTrigger t);

struct PlanAction {
  ResourceId id;
  ActionType type = ActionType::kNoOp;
  std::string reason;
  std::vector<FieldChange> changes;
  std::string host;                       // where the object lives ("" if host-less)
  std::string key;                        // its identity there
  std::string previousHost, previousKey;  // replace / delete of an object known under another key
  bool adopting = false;
  // These three are null in a no-op action that adopts nothing, and once an apply has carried
  // the plan out: nothing reads them there.
  Json desired;   // spec fields to converge to (empty for deletes)
  Json spec;      // the whole spec, for providers that check intent (a model's capability)
  Json observed;  // what was seen (null if nothing)
  // Drops spec, desired and observed: what is left (identity, type, reason, changes) is what a
  // plan shows and counts.
  void releaseFields() {
    spec = Json();
    desired = Json();
    observed = Json();
  }
  std::vector<ResourceId> dependsOn;  // managed resources that must succeed first
  std::string sourceFile;             // the spec file that declares it ("" for deletes)
  ActionTrigger trigger = ActionTrigger::kConverge;
};

struct HostLine {
  std::string name;
  HostObservation observation;
};

struct PlanSummary {
  int add = 0, change = 0, replace = 0, destroy = 0, deferred = 0, refused = 0, orphaned = 0;
  bool hasChanges() const { return add + change + replace + destroy > 0; }
  // Every declared object as declared and nothing left over: no change, nothing waiting, nothing
  // refused, no orphan. `plan --detailed-exitcode` exits 0 only then.
  bool converged() const { return !hasChanges() && deferred + refused + orphaned == 0; }
};

struct Plan {
  std::vector<HostLine> hosts;
  std::vector<PlanAction> actions;  // execution order: dependencies first, deletes last
  std::vector<std::string> notes;   // what an operator should know before it happens
  PlanSummary summary() const;
  const PlanAction* find(const ResourceId& id) const;
};

// "Plan: 3 to add, 1 to change, 0 to replace, 0 to destroy, 9 deferred." (then ", 2 refused",
// ", 1 orphaned" when there are any), or "No changes." only when the plan is converged.
std::string summaryLine(const PlanSummary& s);

}  // namespace hx
