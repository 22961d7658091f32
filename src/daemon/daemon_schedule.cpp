#include "src/daemon/daemon_schedule.h"

#include <algorithm>
#include <climits>

namespace hx {

const char* cycleTriggerName(CycleTrigger t) {
  switch (t) {
    case CycleTrigger::kStartup:
      return "startup";
    case CycleTrigger::kInterval:
      return "interval";
    case CycleTrigger::kHostStatus:
      return "host_status";
    case CycleTrigger::kSpecChange:
      return "spec_change";
    case CycleTrigger::kSighup:
      return "sighup";
  }
  return "?";
}

std::vector<std::string> DaemonSchedule::dueHosts(const std::vector<std::string>& hosts,
                                                  int64_t nowMs) const {
  std::vector<std::string> out;
  for (const auto& h : hosts) {
    auto it = nextProbe_.find(h);
    if (it == nextProbe_.end() || it->second <= nowMs) out.push_back(h);
  }
  return out;
}

void DaemonSchedule::probed(const std::string& host, int64_t nowMs, int64_t intervalMs) {
  nextProbe_[host] = nowMs + intervalMs;
}

int64_t DaemonSchedule::wakeAtMs(const std::vector<std::string>& hosts) const {
  int64_t next = nextCycleMs_;
  for (const auto& h : hosts) {
    auto it = nextProbe_.find(h);
    next = std::min(next, it == nextProbe_.end() ? INT64_MIN : it->second);
  }
  return next;
}

void DaemonSchedule::request(CycleTrigger t, bool forceReload) {
  pending_ = t;
  pendingForce_ = pendingForce_ || forceReload;
}

void DaemonSchedule::hostChanged() { pending_ = CycleTrigger::kHostStatus; }

// Whatever is due is one cycle: startup, requests and status changes that come together are
// served by the same run, named after the latest cause.
std::optional<DaemonSchedule::Due> DaemonSchedule::takeDueCycle(int64_t nowMs) {
  if (!startup_ && !pending_ && nowMs < nextCycleMs_) return std::nullopt;
  Due due{pending_   ? *pending_
          : startup_ ? CycleTrigger::kStartup
                     : CycleTrigger::kInterval,
          pendingForce_};
  startup_ = false;
  pending_.reset();
  pendingForce_ = false;
  return due;
}

}  // namespace hx
