#pragma once

#include "reconciler/clock.h"

namespace hx {

class RealClock : public Clock {
 public:
  int64_t nowMillis() override;
  void sleepMillis(int64_t ms) override;
};

}  // namespace hx
