// The web view's pictures, as inline SVG drawn from the store: nothing is fetched at run time, and
// each picture carries its figures as text (a title per mark, an aria-label for the whole) for
// people who cannot see it. Colours come from the stylesheet's classes, so dark and light follow
// the browser.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "state/store.h"

namespace hx::web {

// A host's probe outcomes over [from, to) in slots of `slotSeconds`: green where every probe
// passed, amber where some failed, red where all failed, grey where none was sent.
std::string availabilityStrip(const std::string& host, const std::vector<ProbeBucket>& buckets,
                              int64_t from, int64_t to, int64_t slotSeconds);

// Tasks per status over [from, to], `slots` stacked bars, from the tasks' transitions (a task is
// counted from its first evaluation on).
std::string backlogChart(const std::vector<TaskTransition>& transitions, int64_t from, int64_t to,
                         int slots);

// Each run's duration, oldest on the left; `history` as `history -o json` gives it (newest first).
std::string durationChart(const nlohmann::json& history);

}  // namespace hx::web
