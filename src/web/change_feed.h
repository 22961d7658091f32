// A counter the daemon moves whenever what the web view shows may have changed (a probe recorded,
// a cycle done, the specs reloaded); pages and streams wait on it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace hx::web {

class ChangeFeed {
 public:
  void bump() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }
  // Wakes every waiter for good (the daemon is stopping).
  void close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  int64_t generation() const {
    std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  // Waits until the generation differs from `seen`, the feed closes, or `timeout` passes;
  // returns the generation then.
  int64_t waitPast(int64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return closed_ || generation_ != seen; });
    return generation_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t generation_ = 1;
  bool closed_ = false;
};

}  // namespace hx::web
