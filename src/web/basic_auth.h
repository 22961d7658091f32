// Access control for a web view listening beyond loopback: HTTP basic auth against a file of
// "user:HASH" lines, HASH an Argon2id string from libsodium (crypto_pwhash_str; `hxctl
// web-password USER` writes such a line). The file holds no password, the URL never carries one,
// and no credential is logged. Verified credentials are remembered by their BLAKE2b digest only,
// so a page's live refreshes do not pay Argon2's cost each time.
//
// Under attack: failed logins are throttled per client and per user (login_throttle.h), hashing
// runs on a worker of its own with a bounded queue (hash_worker.h), and a name that is not in
// the file costs the same hash as one that is, so the answer's timing does not tell which names
// exist.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "reconciler/status.h"
#include "src/web/hash_worker.h"
#include "src/web/login_throttle.h"

namespace hx::web {

struct AuthDecision {
  enum class Verdict { kAllowed, kDenied, kThrottled, kBusy };
  Verdict verdict = Verdict::kDenied;
  int retryAfterSeconds = 0;  // for kThrottled and kBusy
};

class BasicAuth {
 public:
  struct Options {
    LoginThrottle::Limits limits;
    size_t hashQueue = 4;  // verifications that may wait; beyond, a login is "busy"
    std::function<LoginThrottle::Clock::time_point()> now = LoginThrottle::Clock::now;
  };

  // Reads the file; an empty one, a line without "user:$argon2id$", or a user twice is an error
  // naming the line (a typo must not silently lock everyone out, or let everyone in). A file
  // that group or others may write is refused: whoever can write it can let themselves in.
  static Result<std::shared_ptr<BasicAuth>> load(const std::string& path, Options options);
  static Result<std::shared_ptr<BasicAuth>> load(const std::string& path) {
    return load(path, Options{});
  }
  // An Argon2id hash of `password` (libsodium's interactive limits).
  static Result<std::string> hash(const std::string& password);

  // `authorization`: the request's Authorization header ("" when it sent none); `client`: the
  // peer's address, for throttling.
  AuthDecision check(const std::string& authorization, const std::string& client);
  bool allows(const std::string& authorization) {
    return check(authorization, "").verdict == AuthDecision::Verdict::kAllowed;
  }
  size_t users() const { return users_.size(); }
  // Argon2 verifications run so far (unknown names included): what tests count.
  size_t verifications() const;

 private:
  explicit BasicAuth(Options options);
  bool remembered(const std::string& digest) const;

  Options options_;
  std::map<std::string, std::string> users_;  // user -> hash
  std::string dummyHash_;                     // verified against for names not in the file
  LoginThrottle throttle_;
  HashWorker worker_;
  mutable std::mutex mu_;           // guards the two below, never held while hashing
  std::set<std::string> verified_;  // digests of headers that passed
  size_t verifications_ = 0;
};

}  // namespace hx::web
