#include "src/web/login_throttle.h"

#include <algorithm>

namespace hx::web {

int LoginThrottle::waitFor(Failures& failures, int limit, Clock::time_point now) const {
  while (!failures.empty() && now - failures.front() >= limits_.window) failures.pop_front();
  if (static_cast<int>(failures.size()) < limit) return 0;
  // The oldest failure in the window must age out before another try.
  const auto left =
      std::chrono::ceil<std::chrono::seconds>(failures.front() + limits_.window - now);
  return std::max<int>(1, static_cast<int>(left.count()));
}

int LoginThrottle::waitBeforeTrying(const std::string& client, const std::string& user,
                                    Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  int wait = 0;
  if (auto it = byClient_.find(client); it != byClient_.end())
    wait = waitFor(it->second, limits_.perClient, now);
  if (trusted_.count({client, user})) return wait;
  if (auto it = byUser_.find(user); it != byUser_.end())
    wait = std::max(wait, waitFor(it->second, limits_.perUser, now));
  return wait;
}

void LoginThrottle::failed(const std::string& client, const std::string& user,
                           Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  byClient_[client].push_back(now);
  byUser_[user].push_back(now);
  bound(byClient_);
  bound(byUser_);
}

void LoginThrottle::succeeded(const std::string& client, const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  byClient_.erase(client);
  if (trusted_.size() >= limits_.maxTracked) trusted_.erase(trusted_.begin());
  trusted_.insert({client, user});
}

// Memory stays bounded whatever the number of addresses or names guessed at: past the limit, the
// entries whose last failure is oldest go first.
void LoginThrottle::bound(std::map<std::string, Failures>& table) {
  while (table.size() > limits_.maxTracked) {
    auto oldest = std::min_element(table.begin(), table.end(), [](const auto& a, const auto& b) {
      return a.second.back() < b.second.back();
    });
    table.erase(oldest);
  }
}

}  // namespace hx::web
