#include "src/web/hash_worker.h"

namespace hx::web {

HashWorker::HashWorker(size_t queueLimit)
    : limit_(queueLimit == 0 ? 1 : queueLimit), thread_([this] { loop(); }) {}

HashWorker::~HashWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::optional<bool> HashWorker::run(std::function<bool()> verify) {
  std::future<bool> verdict;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= limit_) return std::nullopt;
    queue_.emplace_back(std::move(verify));
    verdict = queue_.back().get_future();
  }
  wake_.notify_one();
  return verdict.get();
}

size_t HashWorker::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void HashWorker::loop() {
  for (;;) {
    std::packaged_task<bool()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nobody waits any more
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace hx::web
