#include "src/web/basic_auth.h"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <optional>

namespace hx::web {

namespace {

// Credentials remembered as verified; a handful of operators and a scraper need far fewer.
constexpr size_t kRemembered = 256;

bool sodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// RFC 4648 base64, as HTTP basic auth sends "user:password"; nullopt when malformed.
std::optional<std::string> base64Decode(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.c_str(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

std::string digestOf(const std::string& text) {
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
  return out;
}

}  // namespace

BasicAuth::BasicAuth(Options options)
    : options_(std::move(options)), throttle_(options_.limits), worker_(options_.hashQueue) {}

Result<std::shared_ptr<BasicAuth>> BasicAuth::load(const std::string& path, Options options) {
  if (!sodiumReady()) return Status::error(ErrorKind::kInternal, "libsodium did not initialise");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::error(ErrorKind::kInvalidSpec, path + ": cannot read the file");
  if (!S_ISREG(st.st_mode))
    return Status::error(ErrorKind::kInvalidSpec, path + ": not a regular file");
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return Status::error(ErrorKind::kInvalidSpec,
                         path +
                             ": group or others may write it, and so let themselves in "
                             "(chmod go-w " +
                             path + ")");
  std::ifstream in(path);
  if (!in) return Status::error(ErrorKind::kInvalidSpec, path + ": cannot read the file");
  std::shared_ptr<BasicAuth> auth(new BasicAuth(std::move(options)));
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    const std::string where = path + ":" + std::to_string(n) + ": ";
    if (colon == std::string::npos || colon == 0 || line.compare(colon + 1, 10, "$argon2id$") != 0)
      return Status::error(ErrorKind::kInvalidSpec,
                           where + "expected USER:$argon2id$... (as hxctl web-password writes)");
    const std::string user = line.substr(0, colon);
    if (auth->users_.count(user))
      return Status::error(ErrorKind::kInvalidSpec, where + "user " + user + " appears twice");
    auth->users_[user] = line.substr(colon + 1);
  }
  if (auth->users_.empty())
    return Status::error(ErrorKind::kInvalidSpec, path + ": no users in the file");
  // A hash of random bytes nobody knows, at the same cost as the users' own.
  unsigned char unknowable[32];
  randombytes_buf(unknowable, sizeof unknowable);
  auto dummy = hash(std::string(reinterpret_cast<char*>(unknowable), sizeof unknowable));
  if (!dummy) return dummy.status();
  auth->dummyHash_ = dummy.value();
  return auth;
}

Result<std::string> BasicAuth::hash(const std::string& password) {
  if (!sodiumReady()) return Status::error(ErrorKind::kInternal, "libsodium did not initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.c_str(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::error(ErrorKind::kInternal, "out of memory while hashing");
  return std::string(out);
}

bool BasicAuth::remembered(const std::string& digest) const {
  std::lock_guard<std::mutex> lock(mu_);
  return verified_.count(digest) > 0;
}

size_t BasicAuth::verifications() const {
  std::lock_guard<std::mutex> lock(mu_);
  return verifications_;
}

AuthDecision BasicAuth::check(const std::string& authorization, const std::string& client) {
  using Verdict = AuthDecision::Verdict;
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() <= kScheme.size() ||
      authorization.compare(0, kScheme.size(), kScheme) != 0)
    return {Verdict::kDenied};
  const std::string digest = digestOf(authorization);
  if (remembered(digest)) return {Verdict::kAllowed};
  auto decoded = base64Decode(authorization.substr(kScheme.size()));
  if (!decoded) return {Verdict::kDenied};
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return {Verdict::kDenied};
  const std::string name = decoded->substr(0, colon);
  std::string password = decoded->substr(colon + 1);
  sodium_memzero(decoded->data(), decoded->size());
  if (int wait = throttle_.waitBeforeTrying(client, name, options_.now()); wait > 0) {
    sodium_memzero(password.data(), password.size());
    return {Verdict::kThrottled, wait};
  }
  auto user = users_.find(name);
  const std::string& stored = user == users_.end() ? dummyHash_ : user->second;
  auto verdict = worker_.run([&] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++verifications_;
    }
    return crypto_pwhash_str_verify(stored.c_str(), password.c_str(), password.size()) == 0;
  });
  sodium_memzero(password.data(), password.size());
  if (!verdict) return {Verdict::kBusy, 1};
  if (!*verdict || user == users_.end()) {
    throttle_.failed(client, name, options_.now());
    return {Verdict::kDenied};
  }
  throttle_.succeeded(client, name);
  std::lock_guard<std::mutex> lock(mu_);
  if (verified_.size() >= kRemembered) verified_.clear();  // bounded; the next request re-verifies
  verified_.insert(digest);
  return {Verdict::kAllowed};
}

}  // namespace hx::web
