// Runs fn(0) .. fn(n - 1) on at most `threads` threads (the caller's counts as none of them) and
// returns when all are done. fn must not throw: callers catch inside it, as a worker thread's
// exception would end the process.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace hx {

template <typename Fn>
void forEachBounded(size_t n, int threads, Fn&& fn) {
  if (n == 0) return;
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  const int count =
      std::max(1, std::min<int>(threads, static_cast<int>(std::min<size_t>(n, 1024))));
  if (count == 1) return worker();
  std::vector<std::thread> pool;
  pool.reserve(count);
  for (int t = 0; t < count; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace hx
