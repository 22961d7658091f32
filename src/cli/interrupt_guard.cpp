#include "src/cli/interrupt_guard.h"

#include <unistd.h>

#include <ctime>

#include "src/run/process_info.h"
#include "state/store.h"

namespace hx {

InterruptGuard::InterruptGuard(std::ostream& err, Clock& clock, std::string storePath,
                               std::string lockId)
    : err_(err), clock_(clock), storePath_(std::move(storePath)), lockId_(std::move(lockId)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  thread_ = std::thread([this] { watch(); });
}

InterruptGuard::~InterruptGuard() {
  done_ = true;
  // Wakes the watcher now rather than at its next tick (200 ms added to every apply's exit): a
  // signal of the watched set, sent to that thread alone, which it drops as the run is done.
  pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
  // A signal that arrived after the run ended is dropped with the mask: the work is done.
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void InterruptGuard::watch() {
  const timespec tick{0, 200 * 1000 * 1000};
  while (!done_) {
    siginfo_t info;
    int sig = sigtimedwait(&set_, &info, &tick);
    if (sig <= 0) continue;
    if (done_) break;
    const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    int expected = 0;
    if (first_.compare_exchange_strong(expected, sig)) {
      cancel_ = true;
      err_ << "\n"
           << name
           << ": finishing the actions in flight and starting no more; the rest are recorded "
              "as cancelled. Send it again to stop at once.\n"
           << std::flush;
      continue;
    }
    err_ << name << " again: stopping now. The lock is released and the run recorded as "
         << "interrupted.\n"
         << std::flush;
    // Best effort on the way out: when it fails, the next apply breaks this dead holder's lock
    // itself (lock_session), so there is nothing more to do here than try.
    if (auto store = Store::open(storePath_, clock_)) {
      if (Status s = store.value()->forceUnlock(lockId_); !s)
        err_ << "could not release the lock: " << s.message() << "\n" << std::flush;
      // History says what the shell saw: this run, interrupted, exit 128 + the first signal.
      RunInfo me = currentProcess("apply");
      if (Status s = store.value()->interruptRunsOf(me.hostname, me.pid, 128 + first_.load()); !s)
        err_ << "could not record the interrupt: " << s.message() << "\n" << std::flush;
    }
    _exit(128 + first_.load());
  }
}

}  // namespace hx
