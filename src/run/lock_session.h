// Holding the store's single-writer lock: taking it (optionally waiting), keeping its heartbeat
// fresh, and explaining a refusal (naming the daemon when it is the holder).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "src/run/run_env.h"
#include "src/run/run_outcome.h"
#include "state/store.h"

namespace hx {

// Refreshes the lock's heartbeat every few seconds on its own store connection, for as long as
// it lives. `healthy()` says whether the last write succeeded (the daemon's /readyz).
class Heartbeat {
 public:
  Heartbeat(Clock& clock, const std::string& storePath, std::string lockId, int64_t everyMs = 5000);
  ~Heartbeat();
  bool healthy() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;    // guarded by mu_
  bool healthy_ = true;  // guarded by mu_
  std::thread thread_;
};

// Tries to take the lock, retrying while another holder has it, for up to waitMs.
Result<LockInfo> takeLock(Clock& clock, Store& store, const RunInfo& who, int64_t waitMs);

// takeLock, but a lock whose holder ran on this machine and whose process is gone (killed, or a
// zombie) is broken first, with a warning naming it: no one else can be writing. A holder on
// another machine still needs `hxctl force-unlock`.
Result<LockInfo> takeLockBreakingDead(RunEnv& env, Store& store, const RunInfo& who,
                                      int64_t waitMs);

// Prints why the lock could not be had and what to do; returns kLocked.
RunOutcome lockRefused(RunEnv& env, Store& store, const Status& status);

}  // namespace hx
