// A host's availability over a window, from the status transitions its probes recorded: the
// share of the window it spent `active` (degraded and unreachable count against it). Time
// before the host was first seen active is not counted: a host still being installed is not
// "down", it is not there yet. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "reconciler/observed.h"

namespace hx {

struct Availability {
  double ratio = 0;             // active time / measured time, in [0, 1]
  int64_t measuredSeconds = 0;  // how much of the window counts (since first active)
  int64_t downSeconds = 0;      // of it, not active
  int outages = 0;              // times it left `active` within the window
};

// `transitions` in any order; `current` is the host's status now. nullopt when the host has
// never been active up to `now`.
std::optional<Availability> availabilityOf(std::vector<HostTransition> transitions,
                                           HostStatus current, int64_t now, int64_t windowSeconds);

}  // namespace hx
