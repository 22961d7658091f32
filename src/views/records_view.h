// The records as data: a plan (`plan -o json`), a run and its actions (`history -o json`,
// `history RUN -o json`). The command line prints them; the web view serves the same documents.
#pragma once

#include "reconciler/plan.h"
#include "state/store.h"

namespace hx {

Json planJson(const Plan& plan);
Json runJson(const RunRecord& run);
Json actionJson(const ActionRecord& action);

}  // namespace hx
