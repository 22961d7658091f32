#include "src/key_provider.h"

#include <filesystem>
#include <set>

#include "src/atomic_file.h"
#include "src/gateway_keys.h"
#include "src/jwt.h"
#include "src/secrets.h"

namespace hx {
namespace {

// A point id Qdrant accepts: the token id laid out as a UUID.
std::string pointId(const std::string& jti) {
  return jti.substr(0, 8) + "-" + jti.substr(8, 4) + "-" + jti.substr(12, 4) + "-" +
         jti.substr(16, 4) + "-" + jti.substr(20, 12);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool touches(const PlanAction& a, const std::vector<std::string>& prefixes) {
  if (a.type != ActionType::kUpdate) return true;
  for (const auto& c : a.changes)
    for (const auto& p : prefixes)
      if (c.path.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace

void KeyProvider::configure(const DesiredState& desired, std::map<std::string, Server> servers) {
  std::lock_guard<std::mutex> lock(mu_);
  keys_.clear();
  servers_ = std::move(servers);
  for (const auto* k : desired.ofKind("ApiKey")) keys_[k->id.name] = k->spec;
}

Result<std::vector<Json>> KeyProvider::tokenPoints(const Server& server, const std::string& key) {
  auto exists =
      server.api->call("GET", std::string("/collections/") + kTokenCollection + "/exists");
  if (!exists) return exists.status();
  if (!exists.value().value("exists", false)) return std::vector<Json>{};
  Json body = {{"limit", 10000}, {"with_payload", true}, {"with_vector", false}};
  if (!key.empty()) body["filter"] = {{"must", {{{"key", "key"}, {"match", {{"value", key}}}}}}};
  auto r = server.api->call(
      "POST", std::string("/collections/") + kTokenCollection + "/points/scroll", &body);
  if (!r) return r.status();
  return r.value().value("points", Json::array()).get<std::vector<Json>>();
}

bool KeyProvider::deliveredToGateway(const std::string& name, const Json& spec,
                                     std::map<std::string, std::set<std::string>>& namesByFile) {
  const Json* gateway = spec.contains("deliver") ? &spec["deliver"] : nullptr;
  if (!gateway || !gateway->contains("gateway")) return true;  // delivered nowhere: as declared
  std::string file = (*gateway)["gateway"].value("keyFile", "");
  auto cached = namesByFile.find(file);
  if (cached == namesByFile.end()) {  // each key file is read once per observation
    std::set<std::string> names;
    auto text = readFileIfExists(file);
    if (text && text.value())
      if (auto entries = parseGatewayFile(*text.value()))
        for (const auto& e : entries.value()) names.insert(e.name);
    cached = namesByFile.emplace(file, std::move(names)).first;
  }
  return cached->second.count(name) > 0;
}

Result<std::vector<ObservedObject>> KeyProvider::observe(const std::string&) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Json> found;
  std::map<std::string, bool> secretOk;
  for (const auto& [host, server] : servers_) {
    if (!server.problem.empty() || !server.api) continue;
    auto points = tokenPoints(server, "");
    if (!points)
      return Status::error(points.status().kind(),
                           "cannot read the tokens on " + host + ": " + points.status().message());
    for (const auto& p : points.value()) {
      const Json& payload = p["payload"];
      std::string name = payload.value("key", "");
      std::string file = payload.value("tokenFile", "");
      Json& f = found[name];
      f["deliver"]["qdrant"] = {{"server", host}};
      auto text = readFileIfExists(file);
      if (!text || !text.value()) continue;
      auto claims = verifiedClaims(trimmed(*text.value()), server.signingKey);
      if (!claims ||
          (*claims)["value_exists"]["matches"][0].value("value", "") != payload.value("token", ""))
        continue;
      f["deliver"]["qdrant"]["tokenFile"] = file;
      f["qdrantClaims"] = {{"access", (*claims)["access"]}};
      if (claims->contains("exp")) f["qdrantClaims"]["exp"] = (*claims)["exp"];
      auto k = keys_.find(name);
      bool same =
          k != keys_.end() && payload.value("secret", "") == k->second.value("secretDigest", "");
      secretOk[name] = (secretOk.count(name) ? secretOk[name] : true) && same;
    }
  }
  std::vector<ObservedObject> out;
  for (auto& [name, f] : found) {
    auto k = keys_.find(name);
    f["secretDigest"] = (k != keys_.end() && secretOk[name]) ? k->second.value("secretDigest", "")
                                                             : std::string("unverified");
    out.push_back(ObservedObject{"ApiKey", "", name, f});
  }
  // A key not delivered to Qdrant has nothing here to compare (its gateway entry is its
  // GatewayKeyFile's business): it exists, as declared, once its gateway file has its entry,
  // and not before (else a new gateway-only key would look like someone else's).
  std::map<std::string, std::set<std::string>> gatewayNames;
  for (const auto& [name, spec] : keys_) {
    if (found.count(name) || (spec.contains("deliver") && spec["deliver"].contains("qdrant")))
      continue;
    if (!deliveredToGateway(name, spec, gatewayNames)) continue;
    out.push_back(
        ObservedObject{"ApiKey", "", name, {{"secretDigest", spec.value("secretDigest", "")}}});
  }
  return out;
}

Status KeyProvider::deliverToken(const std::string& name, const Json& spec,
                                 const std::string& secretDigest) {
  const Json& q = spec["deliver"]["qdrant"];
  std::string host = q.value("server", "");
  auto it = servers_.find(host);
  if (it == servers_.end() || !it->second.api)
    return Status::error(ErrorKind::kTerminal, "no Qdrant client for " + host);
  const Server& server = it->second;
  if (!server.problem.empty()) return Status::error(ErrorKind::kTerminal, server.problem);
  auto exists =
      server.api->call("GET", std::string("/collections/") + kTokenCollection + "/exists");
  if (!exists) return exists.status();
  if (!exists.value().value("exists", false)) {
    Json body = {{"vectors", {{"size", 1}, {"distance", "Dot"}}}};
    if (Status s = server.api->createCollection(kTokenCollection, body); !s) return s;
  }
  std::string jti = randomHex(16);
  std::string file = q.value("tokenFile", "");
  Json claims = spec["qdrantClaims"];
  claims["sub"] = name;
  claims["value_exists"] = {{"collection", kTokenCollection},
                            {"matches", {{{"key", "token"}, {"value", jti}}}}};
  Json point = {
      {"id", pointId(jti)},
      {"vector", {1.0}},
      {"payload", {{"token", jti}, {"key", name}, {"secret", secretDigest}, {"tokenFile", file}}}};
  Json body = {{"points", {point}}};
  auto up = server.api->call(
      "PUT", std::string("/collections/") + kTokenCollection + "/points?wait=true", &body);
  if (!up) return up.status();
  // The new token is live before the file changes, and the old one is revoked only after.
  if (Status s = writeFileAtomically(file, mintHs256(claims, server.signingKey) + "\n"); !s)
    return s;
  return revokeTokens(host, name, jti, "");
}

Status KeyProvider::revokeTokens(const std::string& host, const std::string& name,
                                 const std::string& keep, const std::string& tokenFile) {
  auto it = servers_.find(host);
  if (it == servers_.end() || !it->second.api) return Status::ok();
  auto points = tokenPoints(it->second, name);
  if (!points) return points.status();
  Json ids = Json::array();
  for (const auto& p : points.value())
    if (p["payload"].value("token", "") != keep) ids.push_back(p["id"]);
  if (!ids.empty()) {
    Json body = {{"points", ids}};
    auto r = it->second.api->call(
        "POST", std::string("/collections/") + kTokenCollection + "/points/delete?wait=true",
        &body);
    if (!r) return r.status();
  }
  if (!tokenFile.empty()) std::filesystem::remove(tokenFile);
  return Status::ok();
}

Status KeyProvider::apply(const PlanAction& a) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string& name = a.id.name;
  if (a.type == ActionType::kDelete) {
    const Json& seen = a.observed;
    if (seen.contains("deliver") && seen["deliver"].contains("qdrant"))
      if (Status s = revokeTokens(seen["deliver"]["qdrant"].value("server", ""), name, "",
                                  seen["deliver"]["qdrant"].value("tokenFile", ""));
          !s)
        return s;
    return Status::ok();
  }
  const Json& spec = a.spec;
  std::string digest = spec.value("secretDigest", "");
  const Json deliver = spec.value("deliver", Json::object());
  if (deliver.contains("qdrant") && touches(a, {"deliver.qdrant", "qdrantClaims", "secretDigest"}))
    if (Status s = deliverToken(name, spec, digest); !s) return s;
  // A delivery the spec dropped is withdrawn.
  const Json& seen = a.observed.is_null() ? Json::object() : a.observed;
  if (seen.contains("deliver")) {
    if (seen["deliver"].contains("qdrant") && !deliver.contains("qdrant"))
      if (Status s = revokeTokens(seen["deliver"]["qdrant"].value("server", ""), name, "",
                                  seen["deliver"]["qdrant"].value("tokenFile", ""));
          !s)
        return s;
  }
  return Status::ok();
}

}  // namespace hx
