#include "src/secrets.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hx {

namespace {
std::string hmacHex(const std::string& key, const std::string& value) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), out, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

std::string trimTrailingNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}
}  // namespace

Result<std::string> readSecret(const Json& reference) {
  std::string value;
  if (reference.contains("env")) {
    std::string name = reference["env"];
    const char* v = std::getenv(name.c_str());
    if (!v)
      return Status::error(ErrorKind::kInvalidSpec, "environment variable " + name + " is not set");
    if (!*v)
      return Status::error(ErrorKind::kInvalidSpec, "environment variable " + name + " is empty");
    value = v;
  } else if (reference.contains("file")) {
    std::string path = reference["file"];
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
      return Status::error(ErrorKind::kInvalidSpec, "secret file " + path + " does not exist");
    if (st.st_mode & (S_IRWXG | S_IRWXO))
      return Status::error(
          ErrorKind::kInvalidSpec,
          "secret file " + path + " is readable by group or others; chmod 600 it before use");
    std::ifstream in(path);
    if (!in) return Status::error(ErrorKind::kInvalidSpec, "cannot read secret file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    value = trimTrailingNewline(text.str());
    if (value.empty())
      return Status::error(ErrorKind::kInvalidSpec, "secret file " + path + " is empty");
  } else {
    return Status::error(ErrorKind::kInvalidSpec, "generated secrets are not supported yet");
  }
  return value;
}

Result<std::string> secretDigest(const Json& reference, const std::string& salt) {
  auto value = readSecret(reference);
  if (!value) return value.status();
  return "hmac-sha256:" + hmacHex(salt, value.value());
}

void resolveSecretDigests(DesiredState& desired, const std::string& salt) {
  for (auto& r : desired.resources) {
    if (r.id.kind != "ApiKey" || !r.spec.contains("secret")) continue;
    auto digest = secretDigest(r.spec["secret"], salt);
    if (!digest) {
      desired.unresolved[r.id] = "spec.secret: " + digest.status().message();
      continue;
    }
    r.spec["secretDigest"] = digest.value();
  }
}

}  // namespace hx
