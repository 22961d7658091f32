// When the daemon probes and when it reconciles, as a pure timetable on the injected clock's
// milliseconds: the worker thread asks it what is due and tells it what happened, and tests walk
// it step by step without threads or sleeps.
//
// Rules: each host is probed at its own interval (a host never probed is due at once); a cycle
// runs at startup, every interval (with jitter, chosen by the caller), at once when a probe sees
// a host change status, and on request (SIGHUP, a spec change). Causes that come together make
// one cycle, named after the latest. A spec-change request whose specs did not actually change
// runs no cycle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hx {

enum class CycleTrigger { kStartup, kInterval, kHostStatus, kSpecChange, kSighup };
// "startup" | "interval" | "host_status" | "spec_change" | "sighup": metrics labels and logs.
const char* cycleTriggerName(CycleTrigger t);

class DaemonSchedule {
 public:
  explicit DaemonSchedule(int64_t nowMs) : nextCycleMs_(nowMs) {}

  // The hosts to probe now, given the hosts the specs declare.
  std::vector<std::string> dueHosts(const std::vector<std::string>& hosts, int64_t nowMs) const;
  // A host was probed (or observed by a cycle) at `nowMs`; next due after its interval.
  void probed(const std::string& host, int64_t nowMs, int64_t intervalMs);
  // When the worker must wake next, at the latest, for `hosts`.
  int64_t wakeAtMs(const std::vector<std::string>& hosts) const;

  // A request from outside (a signal, the spec watch); the latest wins, a forced reload sticks.
  void request(CycleTrigger t, bool forceReload);
  // A probe saw a status change: reconcile at once.
  void hostChanged();
  bool requested() const { return pending_.has_value(); }

  // The cycle due now, if any: startup, what was requested or changed, or the interval when it
  // has passed, as one. Taking it clears them; `forceReload` says whether the specs must be re-read
  // even when unchanged (SIGHUP).
  struct Due {
    CycleTrigger trigger;
    bool forceReload = false;
  };
  std::optional<Due> takeDueCycle(int64_t nowMs);
  // Whether a taken cycle should run, given whether the reload found new specs: all do but a
  // spec change that changed nothing (an editor's touch), unless a reload was forced.
  static bool runs(const Due& due, bool specsChanged) {
    return due.trigger != CycleTrigger::kSpecChange || specsChanged || due.forceReload;
  }
  // A cycle ended (or was skipped) at `nowMs`; the next interval cycle `intervalMs` later.
  void cycled(int64_t nowMs, int64_t intervalMs) { nextCycleMs_ = nowMs + intervalMs; }

 private:
  int64_t nextCycleMs_;
  bool startup_ = true;
  std::optional<CycleTrigger> pending_;
  bool pendingForce_ = false;
  std::map<std::string, int64_t> nextProbe_;
};

}  // namespace hx
