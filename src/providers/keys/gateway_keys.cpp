#include "src/providers/keys/gateway_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "src/platform/jwt.h"

namespace hx {
namespace {

std::string sha256(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string hashWithSalt(const std::string& saltHex, const std::string& key) {
  // A salt that is not hex (a hand-edited file) is left out of the hash, which then matches no
  // entry hxctl wrote.
  return "sha256:" + saltHex + ":" + toHex(sha256(fromHex(saltHex).value_or("") + key));
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string saltedHash(const std::string& key) { return hashWithSalt(randomHex(16), key); }

bool verifySaltedHash(const std::string& hash, const std::string& key) {
  auto first = hash.find(':');
  auto second = hash.find(':', first == std::string::npos ? first : first + 1);
  if (hash.rfind("sha256:", 0) != 0 || second == std::string::npos) return false;
  std::string expected = hashWithSalt(hash.substr(first + 1, second - first - 1), key);
  return expected.size() == hash.size() &&
         CRYPTO_memcmp(expected.data(), hash.data(), hash.size()) == 0;
}

Result<std::vector<GatewayEntry>> parseGatewayFile(const std::string& text) {
  std::vector<GatewayEntry> out;
  try {
    YAML::Node root = YAML::Load(text);
    if (!root || root.IsNull()) return out;
    for (const auto& k : root["keys"]) {
      GatewayEntry e;
      e.name = k["name"].as<std::string>();
      e.role = k["role"] ? k["role"].as<std::string>() : "";
      if (k["permissions"])
        for (const auto& p : k["permissions"]) e.permissions.push_back(p.as<std::string>());
      e.expires = k["expires"] && !k["expires"].IsNull() ? k["expires"].as<std::string>() : "";
      e.hash = k["hash"] ? k["hash"].as<std::string>() : "";
      out.push_back(std::move(e));
    }
  } catch (const YAML::Exception& e) {
    return Status::error(ErrorKind::kTerminal, std::string("not a gateway key file: ") + e.what());
  }
  return out;
}

std::string renderGatewayFile(std::vector<GatewayEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const GatewayEntry& a, const GatewayEntry& b) { return a.name < b.name; });
  std::string out =
      "# API keys of the gateway, written by hxctl from its ApiKey and Role specs. Do not edit:\n"
      "# hxctl rewrites this file. hash = sha256:<salt hex>:<hex of SHA-256(salt || key)>.\n"
      "version: 1\nkeys:\n";
  if (entries.empty()) out = out.substr(0, out.size() - 1) + " []\n";
  for (const auto& e : entries) {
    out += "  - name: " + quoted(e.name) + "\n    role: " + quoted(e.role) + "\n    permissions: [";
    for (size_t i = 0; i < e.permissions.size(); ++i)
      out += (i ? ", " : "") + quoted(e.permissions[i]);
    out += "]\n    expires: " + (e.expires.empty() ? std::string("null") : quoted(e.expires)) +
           "\n    hash: " + quoted(e.hash) + "\n";
  }
  return out;
}

}  // namespace hx
