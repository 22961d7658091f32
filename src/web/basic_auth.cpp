#include "src/web/basic_auth.h"

#include <sodium.h>

#include <fstream>
#include <optional>

namespace hx::web {

namespace {

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

Result<std::shared_ptr<BasicAuth>> BasicAuth::load(const std::string& path) {
  if (!sodiumReady()) return Status::error(ErrorKind::kInternal, "libsodium did not initialise");
  std::ifstream in(path);
  if (!in) return Status::error(ErrorKind::kInvalidSpec, path + ": cannot read the file");
  std::shared_ptr<BasicAuth> auth(new BasicAuth());
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

bool BasicAuth::allows(const std::string& authorization) {
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() <= kScheme.size() ||
      authorization.compare(0, kScheme.size(), kScheme) != 0)
    return false;
  const std::string digest = digestOf(authorization);
  std::lock_guard<std::mutex> lock(mu_);
  if (verified_.count(digest)) return true;
  auto decoded = base64Decode(authorization.substr(kScheme.size()));
  if (!decoded) return false;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  auto user = users_.find(decoded->substr(0, colon));
  const std::string password = decoded->substr(colon + 1);
  sodium_memzero(decoded->data(), decoded->size());
  if (user == users_.end()) return false;
  if (crypto_pwhash_str_verify(user->second.c_str(), password.c_str(), password.size()) != 0)
    return false;
  verified_.insert(digest);
  return true;
}

}  // namespace hx::web
