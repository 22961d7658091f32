#include "reconciler/availability.h"

#include <algorithm>

namespace hx {

std::optional<Availability> availabilityOf(std::vector<HostTransition> transitions,
                                           HostStatus current, int64_t now, int64_t windowSeconds) {
  std::sort(transitions.begin(), transitions.end(),
            [](const HostTransition& a, const HostTransition& b) { return a.at < b.at; });
  std::optional<int64_t> firstActive;
  for (const auto& t : transitions)
    if (t.to == HostStatus::kActive && t.at <= now) {
      firstActive = t.at;
      break;
    }
  if (!firstActive) {
    // No transition to active recorded, but active now: active since before the records.
    if (current != HostStatus::kActive) return std::nullopt;
    firstActive = now - windowSeconds;
  }
  const int64_t start = std::max(now - windowSeconds, *firstActive);
  Availability a;
  a.measuredSeconds = now - start;
  if (a.measuredSeconds <= 0) {
    a.ratio = current == HostStatus::kActive ? 1.0 : 0.0;
    return a;
  }
  // The status at `start`: the last transition at or before it.
  HostStatus status = HostStatus::kActive;
  for (const auto& t : transitions)
    if (t.at <= start) status = t.to;
  int64_t at = start;
  for (const auto& t : transitions) {
    if (t.at <= start || t.at > now) continue;
    if (status != HostStatus::kActive) a.downSeconds += t.at - at;
    if (status == HostStatus::kActive && t.to != HostStatus::kActive) ++a.outages;
    status = t.to;
    at = t.at;
  }
  if (status != HostStatus::kActive) a.downSeconds += now - at;
  a.ratio = 1.0 - static_cast<double>(a.downSeconds) / static_cast<double>(a.measuredSeconds);
  return a;
}

}  // namespace hx
