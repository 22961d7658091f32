#include "src/platform/secrets.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reconciler/kinds.h"
#include "src/platform/atomic_file.h"
#include "src/platform/jwt.h"
#include "src/platform/terminal_text.h"

namespace hx {

namespace {
std::string hmacHex(const std::string& key, const std::string& value) {
  return toHex(hmacSha256(key, value));
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
  // A secret ends up in a header (Authorization, api-key): a line break in it would inject one.
  if (hasControlCharacter(value)) {
    OPENSSL_cleanse(value.data(), value.size());
    const std::string where = reference.contains("env")
                                  ? "environment variable " + reference["env"].get<std::string>()
                                  : "secret file " + reference["file"].get<std::string>();
    return Status::error(ErrorKind::kInvalidSpec,
                         where +
                             " holds a control character (a line break inside the value, or "
                             "similar); a secret is one line of printable text");
  }
  return value;
}

Result<std::string> secretDigest(const Json& reference, const std::string& salt) {
  auto value = readSecret(reference);
  if (!value) return value.status();
  return "hmac-sha256:" + hmacHex(salt, value.value());
}

Status generateSecretFile(const std::string& path) {
  std::filesystem::path p(path);
  if (p.has_parent_path())
    if (Status made = createPrivateDirectories(p.parent_path().string()); !made) return made;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::error(ErrorKind::kTerminal,
                         "cannot create secret file " + path + ": " + std::strerror(errno));
  std::string key;
  std::string raw(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), 32) != 1) {
    close(fd);
    unlink(path.c_str());
    return Status::error(ErrorKind::kInternal, "the system's random generator failed");
  }
  key = base64UrlEncode(raw) + "\n";
  bool ok = write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) {
    unlink(path.c_str());
    return Status::error(ErrorKind::kTerminal, "cannot write secret file " + path);
  }
  return Status::ok();
}

void resolveSecretDigests(DesiredState& desired, const std::string& salt, bool generate) {
  for (auto& r : desired.resources) {
    if (r.id.kind != kind::kApiKey || !r.spec.contains("secret")) continue;
    const Json& ref = r.spec["secret"];
    if (ref.value("generate", false) && !std::filesystem::exists(ref.value("file", ""))) {
      if (!generate) {
        r.spec["secretDigest"] = "(generated on apply)";
        continue;
      }
      if (Status s = generateSecretFile(ref["file"]); !s) {
        desired.unresolved[r.id] = "spec.secret: " + s.message();
        continue;
      }
    }
    auto digest = secretDigest(r.spec["secret"], salt);
    if (!digest) {
      desired.unresolved[r.id] = "spec.secret: " + digest.status().message();
      continue;
    }
    r.spec["secretDigest"] = digest.value();
  }
  // A gateway's key file needs the digest of every key it holds; it cannot be rendered while one
  // of them is unreadable.
  for (auto& f : desired.resources) {
    if (f.id.kind != kind::kGatewayKeyFile) continue;
    for (auto& [name, entry] : f.spec["entries"].items()) {
      const Resource* key = desired.find({kind::kApiKey, name});
      auto why = desired.unresolved.find({kind::kApiKey, name});
      if (why != desired.unresolved.end())
        desired.unresolved[f.id] = "ApiKey/" + name + " " + why->second;
      else if (key && key->spec.contains("secretDigest"))
        entry["secretDigest"] = key->spec["secretDigest"];
    }
  }
}

}  // namespace hx
