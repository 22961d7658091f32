// Password verification off the request threads. Argon2id is made to be slow and to take memory
// (libsodium's interactive limits: ~64 MiB, tens of milliseconds), so the daemon verifies on one
// thread of its own with a short queue: request threads wait only for their own answer, and when
// the queue is full a login is refused at once as busy (503) instead of waiting behind the
// guesses. /healthz and /readyz never ask for a hash, and a verified credential is remembered, so
// the probes and Prometheus' scrapes keep answering while someone guesses.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace hx::web {

class HashWorker {
 public:
  explicit HashWorker(size_t queueLimit);
  ~HashWorker();
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  // The verdict of `verify`, run on the worker; nullopt when `queueLimit` verifications already
  // wait (the caller answers "busy").
  std::optional<bool> run(std::function<bool()> verify);
  size_t queueLimit() const { return limit_; }
  size_t waiting() const;  // verifications queued, not yet started

 private:
  void loop();

  const size_t limit_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<bool()>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace hx::web
