#include "src/platform/real_clock.h"

#include <chrono>
#include <thread>

namespace hx {

int64_t RealClock::nowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void RealClock::sleepMillis(int64_t ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace hx
