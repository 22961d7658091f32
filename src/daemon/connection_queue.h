// Where the daemon's HTTP connections run. cpp-httplib gives each accepted connection a thread
// from its task queue for as long as the connection lives, so connections that send nothing
// (half-open, slow clients, an attack) can hold every thread while /healthz waits behind them.
// This queue has `general` threads and a few in reserve: a connection goes to a reserve thread
// only when every general thread is busy, and a connection on a reserve thread is served the
// probes (/healthz, /readyz, /metrics) and nothing else (the server answers the rest 503). The
// listener also defers accept until a request's first bytes arrive (TCP_DEFER_ACCEPT), and the
// server drops a connection silent for longer than its idle timeout, so silent connections wait
// in the kernel, not in these threads.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hx {

class ConnectionQueue : public httplib::TaskQueue {
 public:
  ConnectionQueue(size_t general, size_t reserve);
  ~ConnectionQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // Whether the calling thread is one of the reserve (what the request handlers ask).
  static bool onReserveThread();

 private:
  struct Lane {
    std::deque<std::function<void()>> jobs;
    std::condition_variable wake;
    size_t idle = 0;
  };
  void work(Lane& lane, bool reserve);

  std::mutex mu_;
  Lane general_, reserve_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hx
