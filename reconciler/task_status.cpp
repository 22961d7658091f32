#include "reconciler/task_status.h"

#include "reconciler/graph.h"
#include "reconciler/kinds.h"

namespace hx {

const char* taskStatusName(TaskStatus s) {
  switch (s) {
    case TaskStatus::kHeld:
      return "held";
    case TaskStatus::kBlocked:
      return "blocked";
    case TaskStatus::kReady:
      return "ready";
    case TaskStatus::kInProgress:
      return "in_progress";
    case TaskStatus::kCompleted:
      return "completed";
    case TaskStatus::kRegressed:
      return "regressed";
  }
  return "ready";
}

std::optional<TaskStatus> parseTaskStatus(const std::string& s) {
  for (TaskStatus t : kAllTaskStatuses)
    if (s == taskStatusName(t)) return t;
  return std::nullopt;
}

std::vector<std::string> unmetDependencies(const Resource& task, const ObservedState& observed,
                                           const std::map<std::string, TaskRecord>& current) {
  std::vector<std::string> out;
  for (const auto& ref : task.references) {
    if (ref.role != RefRole::kWaitsOn) continue;
    if (ref.target.kind == kind::kHost) {
      HostObservation h = observed.host(ref.target.name);
      if (h.status == HostStatus::kActive) continue;
      out.push_back("host " + ref.target.name + " is " + hostStatusName(h.status) +
                    (h.since > 0 ? " since " + formatTime(h.since) : " (never seen healthy)"));
    } else if (ref.target.kind == kind::kTask) {
      auto s = current.find(ref.target.name);
      if (s != current.end() && s->second.status == TaskStatus::kCompleted) continue;
      std::string state = s == current.end() ? "not evaluated" : taskStatusName(s->second.status);
      out.push_back("task " + ref.target.name + " is " + state +
                    (s != current.end() && s->second.since > 0
                         ? " since " + formatTime(s->second.since)
                         : ""));
    }
  }
  return out;
}

namespace {

// Whether hxctl has done, or is doing, the task's own work: its gated resources are all
// converged, or the current run acted on one of them. A task with no resources has no such work.
bool workUnderway(const Resource& task, const Plan& plan, const std::set<ResourceId>& applying) {
  bool any = false, converged = true;
  for (const auto& ref : task.references) {
    if (ref.role != RefRole::kGates) continue;
    any = true;
    if (applying.count(ref.target)) return true;
    const PlanAction* a = plan.find(ref.target);
    if (a && a->type != ActionType::kNoOp) converged = false;
  }
  return any && converged;
}

// The keys a task's checks present that only another task's work makes usable: a check of
// enforcement (keyEnforced, keyDenied) proves nothing until the key is in force, and a key
// Qdrant takes as a JWT does not exist before it is delivered. When the task that gates the key
// (lists it in its resources) is held or not completed, the key waits with it, and so does this
// task: said here, so a hold on 1.5.3 does not silently keep 1.3.2 from completing. A key sent
// as is (X-API-Key to a gateway) is usable before delivery, and couples nothing.
std::vector<std::string> keyCouplings(const Resource& task, const DesiredState& desired,
                                      const DependencyGraph& graph,
                                      const std::map<std::string, TaskRecord>& current,
                                      const std::map<std::string, TaskRecord>& previous) {
  std::vector<std::string> out;
  const Json criteria = task.spec.value("criteria", Json::array());
  if (!criteria.is_array()) return out;
  std::set<std::string> seen;
  for (const Json& c : criteria) {
    if (!c.is_object() || c.size() != 1 || !c.begin().value().is_object()) continue;
    const std::string check = c.begin().key();
    const Json& body = c.begin().value();
    if (!body.contains("key") || !body["key"].is_string()) continue;
    const ResourceId keyId{kind::kApiKey, body["key"].get<std::string>()};
    const Resource* key = desired.find(keyId);
    if (!key) continue;
    const Json* deliver = key->field("deliver");
    const bool jwt = deliver && deliver->is_object() && deliver->contains("qdrant");
    // grafanaDashboard's key is the one its data is scraped with: no key, no data.
    if (check != "keyEnforced" && check != "keyDenied" && check != "grafanaDashboard" && !jwt)
      continue;
    for (const ResourceId& gate : graph.gatesOf(keyId)) {
      if (gate.kind != kind::kTask || gate == task.id) continue;
      const Resource* other = desired.find(gate);
      std::string state;
      if (other && other->spec.contains("hold"))
        state = "held: " + other->spec["hold"].value("reason", "");
      else if (auto s = current.find(gate.name); s != current.end())
        state = s->second.status == TaskStatus::kCompleted ? "" : taskStatusName(s->second.status);
      else if (auto p = previous.find(gate.name); p != previous.end())  // not evaluated yet
        state = p->second.status == TaskStatus::kCompleted ? "" : taskStatusName(p->second.status);
      if (state.empty() || !seen.insert(keyId.name + " " + gate.name).second) continue;
      out.push_back(keyId.str() + ", which its " + check + " check presents, is not delivered " +
                    "until task " + gate.name + " completes (task " + gate.name + " is " + state +
                    ")");
    }
  }
  return out;
}

}  // namespace

namespace {

// The checked prerequisites of `task` that fail (a check that could not run blocks nothing: it
// proves nothing either way, and the criteria say the same).
std::vector<CriterionResult> unmetPrerequisites(const Resource& task,
                                                const CriteriaSource& prerequisites) {
  std::vector<CriterionResult> out;
  if (!prerequisites) return out;
  for (auto& r : prerequisites(task))
    if (!r.pass && !r.unknown) out.push_back(std::move(r));
  return out;
}

}  // namespace

std::string prerequisiteWords(const Json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  if (entry.is_object() && entry.contains("prerequisite") && entry["prerequisite"].is_string())
    return entry["prerequisite"].get<std::string>();
  return "";
}

std::vector<std::pair<std::string, Json>> checkedPrerequisites(const Resource& task) {
  std::vector<std::pair<std::string, Json>> out;
  const Json* list = task.field("prerequisites");
  if (!list || !list->is_array()) return out;
  for (const Json& p : *list)
    if (p.is_object() && p.contains("check") && p["check"].is_object())
      out.emplace_back(prerequisiteWords(p), p["check"]);
  return out;
}

std::vector<TaskEvaluation> evaluateTasks(const DesiredState& desired,
                                          const ObservedState& observed, const Plan& plan,
                                          const std::set<ResourceId>& applying,
                                          const CriteriaSource& criteria,
                                          const std::map<std::string, TaskRecord>& previous,
                                          int64_t now, const CriteriaSource& prerequisites) {
  std::map<std::string, TaskRecord> current;
  std::vector<TaskEvaluation> out;
  DependencyGraph graph(desired);
  for (const auto& id : graph.topologicalOrder()) {
    if (id.kind != kind::kTask) continue;
    const Resource& task = *desired.find(id);
    TaskEvaluation e;
    e.task = id.name;
    auto prev = previous.find(id.name);
    if (prev != previous.end()) e.previous = prev->second.status;
    const bool wasDone =
        e.previous == TaskStatus::kCompleted || e.previous == TaskStatus::kRegressed;
    if (task.spec.contains("hold")) {
      e.status = TaskStatus::kHeld;
      e.waitingOn.push_back("held: " + task.spec["hold"].value("reason", ""));
    } else if (auto unmet = unmetDependencies(task, observed, current);
               !unmet.empty() ||
               !(unmet = keyCouplings(task, desired, graph, current, previous)).empty()) {
      // Done work whose host died is a regression, not a task that never started.
      e.status = wasDone ? TaskStatus::kRegressed : TaskStatus::kBlocked;
      e.waitingOn = std::move(unmet);
    } else if (auto unmetFirst = unmetPrerequisites(task, prerequisites); !unmetFirst.empty()) {
      // Kept as the evaluation's results, so that a reading of the records alone (status
      // without a refresh) finds the same reason.
      e.status = wasDone ? TaskStatus::kRegressed : TaskStatus::kBlocked;
      for (const auto& c : unmetFirst)
        e.waitingOn.push_back("prerequisite not met: " + c.prerequisite + " (" + c.kind + " " +
                              c.subject + ": " + c.detail + ")");
      e.criteria = std::move(unmetFirst);
    } else {
      e.criteria = criteria(task);
      size_t passed = 0, failed = 0;
      for (const auto& c : e.criteria) {
        passed += c.pass;
        failed += !c.pass && !c.unknown;
      }
      bool all = !e.criteria.empty() && passed == e.criteria.size();
      if (all)
        e.status = TaskStatus::kCompleted;
      else if (wasDone && failed == 0)
        e.status = *e.previous;  // what could not be checked proves nothing either way
      else if (wasDone)
        e.status = TaskStatus::kRegressed;
      else if (passed > 0 || workUnderway(task, plan, applying))
        e.status = TaskStatus::kInProgress;
      else
        e.status = TaskStatus::kReady;
      for (const auto& c : e.criteria)
        if (!c.pass)
          e.waitingOn.push_back(c.kind + " " + c.subject + ": " +
                                (c.unknown ? "could not check: " : "") + c.detail);
    }
    e.changed = !e.previous || *e.previous != e.status;
    e.since = e.changed ? now : prev->second.since;
    current[id.name] = TaskRecord{e.status, e.since};
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace hx
