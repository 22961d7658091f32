// Failed logins counted per client address and per user name, so that guessing passwords costs
// the guesser time and not the daemon its threads: a client with too many recent failures, or a
// user name many clients are guessing at, is answered 429 at once, without hashing anything.
// A client that has logged in as a user before keeps access to that user while strangers are
// throttled for it: an attacker cannot lock the operator out by guessing at their name.
// Pure bookkeeping: the caller passes the time, so tests drive it without waiting.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace hx::web {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    int perClient = 5;  // failures one address may make within the window
    int perUser = 20;   // failures at one user name, from any address, within the window
    std::chrono::seconds window{60};
    size_t maxTracked = 4096;  // addresses and names remembered; beyond it the oldest are dropped
  };

  LoginThrottle() = default;
  explicit LoginThrottle(Limits limits) : limits_(limits) {}

  // Zero when `client` may try `user` now; otherwise the seconds until it may (Retry-After).
  int waitBeforeTrying(const std::string& client, const std::string& user, Clock::time_point now);
  void failed(const std::string& client, const std::string& user, Clock::time_point now);
  void succeeded(const std::string& client, const std::string& user);

 private:
  using Failures = std::deque<Clock::time_point>;
  int waitFor(Failures& failures, int limit, Clock::time_point now) const;
  void bound(std::map<std::string, Failures>& table);

  Limits limits_;
  std::mutex mu_;
  std::map<std::string, Failures> byClient_;
  std::map<std::string, Failures> byUser_;
  std::set<std::pair<std::string, std::string>> trusted_;  // (client, user) that logged in
};

}  // namespace hx::web
