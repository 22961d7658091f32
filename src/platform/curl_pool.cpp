#include "src/platform/curl_pool.h"

#include <algorithm>

namespace hx {

CurlHandlePool::CurlHandlePool(int maxPerOrigin, size_t maxIdle)
    : maxPerOrigin_(maxPerOrigin < 1 ? 1 : maxPerOrigin), maxIdle_(maxIdle) {}

CurlHandlePool::~CurlHandlePool() {
  for (auto& [origin, handles] : idle_)
    for (CURL* h : handles) curl_easy_cleanup(h);
}

std::string CurlHandlePool::originOf(std::string_view url) {
  auto scheme = url.find("://");
  size_t from = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto end = url.find_first_of("/?#", from);
  return std::string(url.substr(0, end));
}

CURL* CurlHandlePool::acquire(const std::string& origin) {
  CURL* handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto same = idle_.find(origin);
    // Its own origin's handle first (its connection is open); else any idle one, whose cache
    // may still serve another origin later; else a new one.
    if (same == idle_.end() || same->second.empty())
      same = std::find_if(idle_.begin(), idle_.end(),
                          [](const auto& entry) { return !entry.second.empty(); });
    if (same != idle_.end()) {
      handle = same->second.back();
      same->second.pop_back();
      --idleCount_;
    }
  }
  if (!handle) return curl_easy_init();
  curl_easy_reset(handle);  // options to defaults; the connection cache stays
  return handle;
}

void CurlHandlePool::release(const std::string& origin, CURL* handle) {
  if (!handle) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idleCount_ < maxIdle_) {
      idle_[origin].push_back(handle);
      ++idleCount_;
      return;
    }
  }
  curl_easy_cleanup(handle);
}

CurlHandlePool::Slot::Slot(CurlHandlePool& pool, std::string origin)
    : pool_(pool), origin_(std::move(origin)) {
  std::unique_lock<std::mutex> lock(pool_.mu_);
  pool_.freed_.wait(lock, [&] { return pool_.inFlight_[origin_] < pool_.maxPerOrigin_; });
  ++pool_.inFlight_[origin_];
}

CurlHandlePool::Slot::~Slot() {
  {
    std::lock_guard<std::mutex> lock(pool_.mu_);
    if (--pool_.inFlight_[origin_] == 0) pool_.inFlight_.erase(origin_);
  }
  pool_.freed_.notify_all();
}

}  // namespace hx
