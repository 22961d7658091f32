#include "reconciler/observed.h"

#include <ctime>

namespace hx {

const char* hostStatusName(HostStatus s) {
  switch (s) {
    case HostStatus::kPendingInstallation:
      return "pending_installation";
    case HostStatus::kActive:
      return "active";
    case HostStatus::kDegraded:
      return "degraded";
  }
  return "pending_installation";
}

std::optional<HostStatus> parseHostStatus(const std::string& s) {
  for (HostStatus h : kAllHostStatuses)
    if (s == hostStatusName(h)) return h;
  return std::nullopt;
}

const char* breakerStateName(BreakerState s) {
  switch (s) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half-open";
  }
  return "closed";
}

const char* reachName(ReachState r) {
  switch (r) {
    case ReachState::kUnknown:
      return "unknown";
    case ReachState::kReachable:
      return "reachable";
    case ReachState::kUnreachable:
      return "unreachable";
  }
  return "unknown";
}

std::optional<BreakerState> parseBreakerState(const std::string& s) {
  for (BreakerState b : kAllBreakerStates)
    if (s == breakerStateName(b)) return b;
  return std::nullopt;
}

const ObservedObject* ObservedState::find(const std::string& kind, const std::string& host,
                                          const std::string& key) const {
  for (const auto& o : objects)
    if (o.kind == kind && o.host == host && o.key == key) return &o;
  return nullptr;
}

HostObservation ObservedState::host(const std::string& name) const {
  auto it = hosts.find(name);
  return it == hosts.end() ? HostObservation{} : it->second;
}

std::string formatTime(int64_t unixSeconds) {
  std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ObservedState::recordProbe(const std::string& name, const HostObservation& before,
                                const HostObservation& after) {
  hosts[name] = after;
  if (after.status == before.status) return false;
  transitions.push_back(HostTransition{name, before.status, after.status, after.since,
                                       after.evidence, after.httpStatus, after.latencyMs,
                                       after.version});
  return true;
}

}  // namespace hx
