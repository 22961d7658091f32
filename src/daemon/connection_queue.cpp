#include "src/daemon/connection_queue.h"

namespace hx {

namespace {
thread_local bool tReserve = false;
}

bool ConnectionQueue::onReserveThread() { return tReserve; }

ConnectionQueue::ConnectionQueue(size_t general, size_t reserve) {
  for (size_t i = 0; i < general; ++i) threads_.emplace_back([this] { work(general_, false); });
  for (size_t i = 0; i < reserve; ++i) threads_.emplace_back([this] { work(reserve_, true); });
}

ConnectionQueue::~ConnectionQueue() { shutdown(); }

void ConnectionQueue::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  // A general thread when one is free (or when none of either kind is: then the connection waits
  // its turn among the general ones); the reserve only while the general threads are all busy.
  auto free = [](const Lane& l) { return l.idle > l.jobs.size(); };
  Lane& lane = !free(general_) && free(reserve_) ? reserve_ : general_;
  lane.jobs.push_back(std::move(fn));
  lane.wake.notify_one();
}

void ConnectionQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  general_.wake.notify_all();
  reserve_.wake.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void ConnectionQueue::work(Lane& lane, bool reserve) {
  tReserve = reserve;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++lane.idle;  // waiting; a lane has a free thread while it has more idle than queued jobs
    lane.wake.wait(lock, [&] { return stopping_ || !lane.jobs.empty(); });
    if (lane.jobs.empty()) {  // stopping with nothing left to serve
      --lane.idle;
      return;
    }
    --lane.idle;
    auto fn = std::move(lane.jobs.front());
    lane.jobs.pop_front();
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace hx
