// `hxctl report`: the operators' backlog document regenerated from live state, in the document's
// own structure (executive summary, categories with each task's words and evidence, dependency
// tracking, action items, completion tracking, documentation updates). Pure: everything it says
// comes from its input; no secret is in its input.
#pragma once

#include <string>
#include <vector>

#include "reconciler/observed.h"
#include "reconciler/resource.h"
#include "reconciler/task_status.h"

namespace hx {

struct ReportInput {
  const DesiredState* desired = nullptr;
  const ObservedState* observed = nullptr;
  const std::vector<TaskEvaluation>* evaluations = nullptr;
  int64_t generatedAt = 0;  // unix seconds
  std::string version;      // hxctl's
};

std::string backlogReport(const ReportInput& in);

}  // namespace hx
