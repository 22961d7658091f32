#include "qdrant_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <set>
#include <vector>

namespace hxsim {
namespace {

using Json = nlohmann::json;

std::optional<std::string> fromBase64Url(std::string s) {
  for (char& c : s) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  size_t pad = (4 - s.size() % 4) % 4;
  s.append(pad, '=');
  std::string out(s.size() / 4 * 3 + 3, '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Refusal invalidToken() { return {401, "Invalid API key or JWT", false}; }

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

// Claims {sub?: string, exp?: u64, access?: "r" | "m" | [{collection, access, payload?}],
// value_exists?: {collection: string, matches: [{key: string, value: string | integer | bool}]},
// subject?: string}: null is an absent option.
bool claimsDeserialize(const Json& c) {
  auto optional = [&](const char* k, auto&& ok) {
    return !c.contains(k) || c[k].is_null() || ok(c[k]);
  };
  auto text = [](const Json& v) { return v.is_string(); };
  if (!optional("sub", text) || !optional("subject", text)) return false;
  if (!optional("exp", [](const Json& v) { return v.is_number_unsigned(); })) return false;
  const bool access = !c.contains("access") || c["access"].is_string() ||
                      (c["access"].is_array() &&
                       std::all_of(c["access"].begin(), c["access"].end(), [](const Json& a) {
                         return a.is_object() && a.contains("collection") &&
                                a["collection"].is_string() && a.contains("access") &&
                                a["access"].is_string();
                       }));
  if (!access) return false;
  return optional("value_exists", [](const Json& v) {
    if (!v.is_object() || !v.contains("collection") || !v["collection"].is_string() ||
        !v.contains("matches") || !v["matches"].is_array())
      return false;
    return std::all_of(v["matches"].begin(), v["matches"].end(), [](const Json& m) {
      return m.is_object() && m.contains("key") && m["key"].is_string() && m.contains("value") &&
             (m["value"].is_string() || m["value"].is_number_integer() || m["value"].is_boolean());
    });
  });
}

}  // namespace

std::optional<Refusal> grantOfJwt(const std::string& token, const std::string& apiKey, long now,
                                  const ValueExists& valueExists, Grant* grant) {
  auto a = token.find('.');
  auto b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos) return invalidToken();
  auto header = fromBase64Url(token.substr(0, a));
  auto body = fromBase64Url(token.substr(a + 1, b - a - 1));
  auto signature = fromBase64Url(token.substr(b + 1));
  if (!header || !body || !signature) return invalidToken();
  Json h = Json::parse(*header, nullptr, false);
  Json claims = Json::parse(*body, nullptr, false);
  if (!h.is_object() || h.value("alg", "") != "HS256" || !claims.is_object()) return invalidToken();
  // jsonwebtoken checks the signature first, then the expiry (with 30 s of leeway).
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string input = token.substr(0, b);
  HMAC(EVP_sha256(), apiKey.data(), static_cast<int>(apiKey.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  if (signature->size() != len || CRYPTO_memcmp(signature->data(), mac, len) != 0)
    return Refusal{403, "InvalidSignature", false};
  // The claims deserialize into Qdrant's Claims (src/common/auth/claims.rs) or the token is not a
  // JWT at all to Qdrant (jwt_parser.rs: any error but a bad signature or expiry is None), which
  // then fails as an unknown key. Unknown claims are ignored, as serde does.
  if (!claimsDeserialize(claims)) return invalidToken();
  if (claims.contains("exp") && claims["exp"].is_number() && claims["exp"].get<long>() + 30 < now)
    return Refusal{403, "ExpiredSignature", false};
  if (claims.contains("payload"))
    return Refusal{401, "Validation error: the payload claim is no longer supported", false};
  Grant g;
  if (!claims.contains("access")) {
    g.global = Grant::Global::kManage;  // no access claim: full rights, as Qdrant does
  } else if (claims["access"] == "r") {
    g.global = Grant::Global::kRead;
  } else if (claims["access"] == "m") {
    g.global = Grant::Global::kManage;
  } else if (claims["access"].is_array()) {
    for (const auto& c : claims["access"]) {
      std::string name = c.value("collection", "");
      std::string mode = c.value("access", "");
      if (mode != "r" && mode != "rw" && mode != "prw") return invalidToken();
      if (g.collections.count(name))
        return Refusal{401, "Validation error: duplicate collection " + name + " in access", false};
      g.collections[name] = mode;
    }
  } else {
    return invalidToken();
  }
  if (claims.contains("value_exists"))
    if (auto refused = valueExists(claims["value_exists"])) return refused;
  *grant = g;
  return std::nullopt;
}

std::optional<Refusal> checkRoute(const Grant& g, const std::string& method,
                                  const std::string& path) {
  using G = Grant::Global;
  auto forbid = [](const std::string& m) { return Refusal{403, "Forbidden: " + m, true}; };
  bool collectionToken = g.global == G::kNone;
  auto manage = [&]() -> std::optional<Refusal> {
    if (g.global == G::kManage) return std::nullopt;
    return forbid(collectionToken ? "Global access is required"
                                  : "Global manage access is required");
  };
  std::vector<std::string> s = segments(path);
  if (s.size() == 1 && s[0] == "metrics") {
    if (!collectionToken) return std::nullopt;
    return forbid("Global access is required");
  }
  // GET /cluster: global access (read is enough); collection tokens are refused.
  if (!s.empty() && s[0] == "cluster") {
    if (!collectionToken) return std::nullopt;
    return forbid("Global access is required");
  }
  // The issues Qdrant detected, and clearing them: manage only (test_jwt_access.py).
  if (!s.empty() && s[0] == "issues") return manage();
  if (s.empty() || s[0] != "collections") return std::nullopt;
  if (s.size() == 1) return std::nullopt;  // the list: filtered by Qdrant, open to any grant
  if (s.size() == 2 && s[1] == "aliases") return method == "GET" ? std::nullopt : manage();
  const std::string& c = s[1];
  if (s.size() == 2 && method != "GET") return manage();
  enum class Need { kRead, kWrite, kExtras } need = Need::kRead;
  if (s.size() >= 3 && (s[2] == "index" || s[2] == "vectors")) need = Need::kExtras;
  // Changing a collection's cluster setup (shard moves, replicas): manage only, a 403 to anyone
  // else before the body is looked at.
  if (s.size() >= 3 && s[2] == "cluster" && method != "GET") return manage();
  if (s.size() >= 3 && s[2] == "points") {
    // Reads by POST: retrieve (POST /points), query, search, recommend, discover (and their
    // batch / groups forms), scroll, count, facet (test_jwt_access.py: allowed to read tokens).
    static const std::set<std::string> kReads = {"query",     "search",   "scroll", "count",
                                                 "recommend", "discover", "facet"};
    bool read = (s.size() == 3 && method == "POST") || (s.size() >= 4 && kReads.count(s[3]));
    if (!read && method != "GET") need = Need::kWrite;
  }
  if (need == Need::kRead) {
    if (!collectionToken || g.collections.count(c)) return std::nullopt;
    return forbid("Access to collection " + c + " is required");
  }
  if (g.global == G::kManage) return std::nullopt;
  if (g.global == G::kRead) return forbid("Global manage access is required");
  auto it = g.collections.find(c);
  if (it == g.collections.end()) return forbid("Access to collection " + c + " is required");
  if (it->second == "r") return forbid("Write access to collection " + c + " is required");
  if (it->second == "prw" && need == Need::kExtras)
    return forbid("Only points access is allowed for collection " + c);
  return std::nullopt;
}

}  // namespace hxsim
