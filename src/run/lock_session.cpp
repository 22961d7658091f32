#include "src/run/lock_session.h"

#include "src/run/process_info.h"

namespace hx {

Heartbeat::Heartbeat(Clock& clock, const std::string& storePath, std::string lockId,
                     int64_t everyMs)
    : thread_([this, &clock, storePath, lockId, everyMs] {
        auto store = Store::open(storePath, clock);
        std::unique_lock<std::mutex> lock(mu_);
        while (!stop_) {
          cv_.wait_for(lock, std::chrono::milliseconds(everyMs));
          if (stop_) break;
          healthy_ = store && store.value()->heartbeat(lockId).isOk();
        }
      }) {}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool Heartbeat::healthy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return healthy_;
}

Result<LockInfo> takeLock(Clock& clock, Store& store, const RunInfo& who, int64_t waitMs) {
  int64_t deadline = clock.nowMillis() + waitMs;
  while (true) {
    auto lock = store.acquireLock(who.command, who);
    if (lock || lock.status().kind() != ErrorKind::kConflict || clock.nowMillis() >= deadline)
      return lock;
    clock.sleepMillis(200);
  }
}

Result<LockInfo> takeLockBreakingDead(RunEnv& env, Store& store, const RunInfo& who,
                                      int64_t waitMs) {
  auto lock = takeLock(env.clock, store, who, waitMs);
  if (lock || lock.status().kind() != ErrorKind::kConflict) return lock;
  auto current = store.currentLock();
  if (!current || !current.value()) return lock;
  const LockInfo& held = *current.value();
  if (held.hostname != who.hostname || holderAlive(held, env.clock.nowSeconds())) return lock;
  // One event: the CLI prints it, the daemon logs it (it was both logged and printed before).
  env.report().message(Severity::kWarning, "breaking a stale lock: " + describeLock(held) +
                                               "; its process is gone from this machine");
  Status broken = store.forceUnlock(held.lockId);
  if (!broken) return broken;
  return store.acquireLock(who.command, who);
}

RunOutcome lockRefused(RunEnv& env, Store& store, const Status& status) {
  auto current = store.currentLock();
  if (!current || !current.value()) {
    env.report().message(Severity::kError, status.message());
    return RunOutcome::kLocked;
  }
  const LockInfo& l = *current.value();
  bool alive = holderAlive(l, env.clock.nowSeconds());
  if (l.operation == "daemon" && alive) {
    env.report().message(Severity::kError,
                         "hxctl daemon (pid " + std::to_string(l.pid) + " on " + l.hostname +
                             ", run by " + l.holder + " since " + formatTime(l.startedAt) +
                             ") is reconciling this estate and holds the state store's lock.",
                         {"It applies spec changes by itself within a cycle; to apply by hand, "
                          "stop it first (systemctl stop hxctl)."});
    return RunOutcome::kLocked;
  }
  if (!alive)
    env.report().message(Severity::kError, status.message(),
                         {"The holder is no longer running. If no other hxctl is applying, break "
                          "the lock with:",
                          "  hxctl force-unlock " + l.lockId});
  else
    env.report().message(Severity::kError, status.message(),
                         {"Wait for it to finish, or pass --lock-timeout to wait."});
  return RunOutcome::kLocked;
}

}  // namespace hx
