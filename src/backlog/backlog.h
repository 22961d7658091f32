// Evaluates the backlog after a plan or an apply: derives every task's status, running live
// checks only where they can mean something, and records the evaluation.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconciler/task_status.h"
#include "src/backlog/criteria.h"
#include "state/store.h"

namespace hx {

// With a runner, criteria of tasks that are neither held nor blocked are checked live; without,
// their last recorded evidence is reused (no network). `applying`: the resources the current
// apply acted on. Records the result when `record` is set. `heavyRecheckSeconds` > 0: a passing
// `load` or `ingest` check younger than that is reused rather than run again (the daemon would
// otherwise load-test production every cycle); lighter checks always run.
Result<std::vector<TaskEvaluation>> evaluateBacklog(
    const DesiredState& desired, const ObservedState& observed, const Plan& plan,
    const std::set<ResourceId>& applying, Store& store, CriteriaRunner* runner, bool record,
    int64_t now, int64_t heavyRecheckSeconds = 0,
    const std::optional<std::set<std::string>>& onlyTasks = std::nullopt);

// The tasks whose current status hxctl saw begin: the store's last transition of the task came
// from another status (or this evaluation changed it). The others' ages count from the operators'
// dates (reconciler/calendar.h). A store that cannot be read leaves every age as recorded.
std::set<std::string> statusStartsSeen(Store& store,
                                       const std::vector<TaskEvaluation>& evaluations);

// The recorded statuses, as the planner's view of which tasks are completed.
std::map<std::string, TaskProgress> taskProgressOf(
    const std::map<std::string, TaskEvaluation>& recorded);

}  // namespace hx
