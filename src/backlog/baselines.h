// Performance baselines: the first passing run of a `load` criterion is its baseline (stored);
// every later run is compared with it, and one slower (avg or p95) by more than the tolerance
// and by more than 2 ms (with its throughput, when that fell as much) is flagged in its value:
// "regression against the baseline of ...". A flag, not a failure: the criterion's own thresholds
// decide whether it passes, and the flag says the estate got worse before it fails.
#pragma once

#include <vector>

#include "reconciler/resource.h"
#include "reconciler/task_status.h"
#include "state/store.h"

namespace hx {

// `results` are the task's fresh results, in the order of its criteria. Returns how many were
// flagged. Writes a baseline only when `record`.
Result<int> compareWithBaselines(const Resource& task, std::vector<CriterionResult>& results,
                                 Store& store, double tolerance, bool record);

// The key of a criterion's baseline: the task and the criterion as declared (less `proves`),
// so that changing the load's parameters starts a new baseline.
std::string baselineKey(const Resource& task, const Json& criterion);

}  // namespace hx
