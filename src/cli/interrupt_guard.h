// Interrupts during `apply`, as Terraform handles them. The first SIGINT or SIGTERM (a Ctrl-C,
// a closed terminal's hang-up handled by the shell, a CI timeout) cancels: no action starts any
// more, those in flight finish, the rest are recorded as cancelled, the run ends "interrupted",
// the lock is released and apply exits 130 (SIGINT) or 143 (SIGTERM). A second signal stops at
// once: the lock is released on a connection of its own, the run is recorded interrupted with the
// code the process exits with (128 + the first signal), and the process exits. Either way history
// shows the exit code the shell saw.
//
// The signals are blocked in every thread and taken by a watcher thread with sigtimedwait, so
// nothing runs in a signal handler.
#pragma once

#include <signal.h>

#include <atomic>
#include <ostream>
#include <string>
#include <thread>

#include "reconciler/clock.h"

namespace hx {

class InterruptGuard {
 public:
  // Must be constructed before any other thread starts (they inherit the blocked mask).
  InterruptGuard(std::ostream& err, Clock& clock, std::string storePath, std::string lockId);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  const std::atomic<bool>* cancel() const { return &cancel_; }
  // The first signal received (SIGINT or SIGTERM), or 0.
  int signal() const { return first_.load(); }

 private:
  void watch();

  std::ostream& err_;
  Clock& clock_;
  std::string storePath_;
  std::string lockId_;
  sigset_t set_{};
  sigset_t previous_{};
  std::atomic<bool> cancel_{false};
  std::atomic<int> first_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace hx
