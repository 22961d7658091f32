// Access control for a web view listening beyond loopback: HTTP basic auth against a file of
// "user:HASH" lines, HASH an Argon2id string from libsodium (crypto_pwhash_str; `hxctl
// web-password USER` writes such a line). The file holds no password, the URL never carries one,
// and no credential is logged. Verified credentials are remembered by their BLAKE2b digest only,
// so a page's live refreshes do not pay Argon2's cost each time.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "reconciler/status.h"

namespace hx::web {

class BasicAuth {
 public:
  // Reads the file; an empty one, a line without "user:$argon2id$", or a user twice is an error
  // naming the line (a typo must not silently lock everyone out, or let everyone in).
  static Result<std::shared_ptr<BasicAuth>> load(const std::string& path);
  // An Argon2id hash of `password` (libsodium's interactive limits).
  static Result<std::string> hash(const std::string& password);

  // `authorization`: the request's Authorization header ("" when it sent none).
  bool allows(const std::string& authorization);
  size_t users() const { return users_.size(); }

 private:
  BasicAuth() = default;
  std::map<std::string, std::string> users_;  // user -> hash
  std::mutex mu_;                             // verification is serialised: Argon2 is heavy
  std::set<std::string> verified_;            // digests of headers that passed
};

}  // namespace hx::web
