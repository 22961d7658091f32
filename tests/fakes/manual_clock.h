// A clock tests move by hand; sleeping advances it instantly and is recorded.
#pragma once

#include <atomic>
#include <vector>

#include "reconciler/clock.h"

namespace hx::fake {

class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t startMs = 1'795'000'000'000) : now_(startMs) {}
  int64_t nowMillis() override { return now_; }
  void sleepMillis(int64_t ms) override {
    now_ += ms;
    slept_ += ms;
  }
  void advance(int64_t ms) { now_ += ms; }
  int64_t slept() const { return slept_; }

 private:
  std::atomic<int64_t> now_;
  std::atomic<int64_t> slept_{0};
};

}  // namespace hx::fake
