// Time as an external system: the real clock lives in src/, tests use a manual one.
#pragma once

#include <cstdint>

namespace hx {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t nowMillis() = 0;  // unix epoch, milliseconds
  virtual void sleepMillis(int64_t ms) = 0;
  int64_t nowSeconds() { return nowMillis() / 1000; }
};

}  // namespace hx
