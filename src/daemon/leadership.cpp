#include "src/daemon/leadership.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <random>

namespace hx {

Leadership::Leadership(Clock& clock, std::string url, int64_t durationMs)
    : clock_(clock), url_(std::move(url)), durationMs_(durationMs) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  // The pid alone repeats across machines and restarts: a nonce tells incarnations apart.
  std::mt19937 rng(std::random_device{}());
  me_ = std::string(host) + " pid " + std::to_string(getpid()) + " #" +
        std::to_string(rng() % 100000);
}

bool Leadership::attempt() {
  if (!store_) {
    auto opened = Store::open(url_, clock_);
    if (!opened) {
      spdlog::warn("lease: cannot reach the store: {}", opened.status().message());
      return false;
    }
    store_ = std::move(opened.value());
  }
  auto lease = store_->tryLease(me_, durationMs_);
  if (!lease) {
    spdlog::warn("lease: {}", lease.status().message());
    return false;
  }
  leader_ = lease.value().holder;
  if (leader_ == me_) {
    term_ = lease.value().term;
    lastRenewedMs_ = clock_.nowMillis();
  }
  return leader_ == me_;
}

bool Leadership::tryLead() { return attempt(); }

bool Leadership::renew() {
  if (attempt()) return true;
  // Another holder: lost. No answer at all: still ours until a whole lease has passed without a
  // renewal, after which a standby may have taken it.
  if (!leader_.empty() && leader_ != me_) return false;
  return clock_.nowMillis() - lastRenewedMs_ < durationMs_;
}

void Leadership::release() {
  if (!store_) return;
  Status released = store_->releaseLease(me_);
  if (!released) spdlog::warn("lease: could not release it: {}", released.message());
}

}  // namespace hx
