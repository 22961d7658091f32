#include "src/providers/keys/key_provider.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "reconciler/kinds.h"
#include "src/platform/atomic_file.h"
#include "src/platform/jwt.h"
#include "src/platform/secrets.h"
#include "src/providers/keys/gateway_keys.h"

namespace hx {
namespace {

// A point id Qdrant accepts: the token id laid out as a UUID.
std::string pointId(const std::string& jti) {
  if (jti.size() != 32) return "";
  return jti.substr(0, 8) + "-" + jti.substr(8, 4) + "-" + jti.substr(12, 4) + "-" +
         jti.substr(16, 4) + "-" + jti.substr(20, 12);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

bool touches(const PlanAction& a, const std::vector<std::string>& prefixes) {
  if (a.type != ActionType::kUpdate) return true;
  for (const auto& c : a.changes)
    for (const auto& p : prefixes)
      if (c.path.rfind(p, 0) == 0) return true;
  return false;
}

std::string qdrantServerOf(const Json& spec) {
  if (!spec.is_object() || !spec.contains("deliver") || !spec["deliver"].is_object() ||
      !spec["deliver"].contains("qdrant"))
    return "";
  return spec["deliver"]["qdrant"].value("server", "");
}

// The operator's fix, in the words of Qdrant's configuration (service.jwt_rbac and service.api_key
// in its config/config.yaml).
std::string rbacOffProblem(const std::string& host) {
  return "Qdrant on " + host +
         " does not accept JWTs: service.jwt_rbac is off, so every token hxctl delivers would get "
         "401; set service.jwt_rbac: true (QDRANT__SERVICE__JWT_RBAC=true) and restart Qdrant";
}

constexpr size_t kScrollPage = 1000;
constexpr size_t kMaxTokenPoints = 100000;

}  // namespace

void KeyProvider::useStore(const std::string& path, bool readOnly) {
  std::lock_guard<std::mutex> lock(mu_);
  if (path == storePath_ && readOnly == storeReadOnly_) return;
  storePath_ = path;
  storeReadOnly_ = readOnly;
  store_.reset();
}

Result<Store*> KeyProvider::store() {
  if (store_) return store_.get();
  if (storePath_.empty())
    return Status::error(ErrorKind::kTerminal,
                         "no state store: the tokens hxctl issued are recorded there");
  auto opened =
      storeReadOnly_ ? Store::openReadOnly(storePath_, clock_) : Store::open(storePath_, clock_);
  if (!opened) return opened.status();
  store_ = std::move(opened.value());
  return store_.get();
}

void KeyProvider::configure(const DesiredState& desired, std::map<std::string, Server> servers) {
  std::lock_guard<std::mutex> lock(mu_);
  keys_.clear();
  servers_ = std::move(servers);
  rbacOff_.clear();
  collectionReady_.clear();
  for (const auto* k : desired.ofKind(kind::kApiKey)) keys_[k->id.name] = k->spec;
}

// GET /telemetry: `result.app.jwt_rbac` (AppBuildTelemetry,
// src/common/telemetry_ops/app_telemetry.rs). A server too old to report it is taken at its word
// that it takes tokens, as before.
Result<bool> KeyProvider::jwtRbacOff(const Server& server) {
  if (auto known = rbacOff_.find(server.api); known != rbacOff_.end()) return known->second;
  auto t = server.api->call("GET", "/telemetry?details_level=0");
  if (!t) return t.status();
  const Json& app = t.value().is_object() ? t.value().value("app", Json()) : Json();
  const bool off = app.is_object() && app.contains("jwt_rbac") && app["jwt_rbac"].is_boolean() &&
                   !app["jwt_rbac"].get<bool>();
  rbacOff_[server.api] = off;
  return off;
}

// Every point of the token collection, page by page (scroll's next_page_offset).
Result<std::vector<Json>> KeyProvider::allPoints(const Server& server) {
  auto exists =
      server.api->call("GET", std::string("/collections/") + kTokenCollection + "/exists");
  if (!exists) return exists.status();
  if (!exists.value().is_object() || !exists.value().value("exists", false))
    return std::vector<Json>{};
  std::vector<Json> out;
  Json offset;
  do {
    Json body = {{"limit", kScrollPage}, {"with_payload", true}, {"with_vector", false}};
    if (!offset.is_null()) body["offset"] = offset;
    auto r = server.api->call(
        "POST", std::string("/collections/") + kTokenCollection + "/points/scroll", &body);
    if (!r) return r.status();
    const Json page = r.value().is_object() ? r.value().value("points", Json()) : Json();
    if (!page.is_array())
      return Status::error(ErrorKind::kUnavailable, "the token collection's scroll had no points");
    for (const auto& p : page) out.push_back(p);
    offset = r.value().value("next_page_offset", Json());
    if (out.size() > kMaxTokenPoints)
      return Status::error(ErrorKind::kTerminal,
                           std::string("more than ") + std::to_string(kMaxTokenPoints) +
                               " points in " + kTokenCollection + ": not a token collection");
  } while (!offset.is_null());
  return out;
}

Result<KeyProvider::TokenView> KeyProvider::view(const std::string& host, const Server& server) {
  TokenView v;
  auto off = jwtRbacOff(server);
  if (!off) return off.status();
  v.jwtRbacOff = off.value();
  auto s = store();
  if (!s) return s.status();
  auto live = s.value()->liveTokens(host);
  if (!live) return live.status();
  v.live = std::move(live.value());
  std::set<std::string> liveIds;
  for (const auto& t : v.live) liveIds.insert(t.jti);
  auto points = allPoints(server);
  if (!points) return points.status();
  for (const auto& p : points.value()) {
    const Json payload = p.is_object() ? p.value("payload", Json()) : Json();
    const Json token = payload.is_object() ? payload.value("token", Json()) : Json();
    const std::string jti = token.is_string() ? token.get<std::string>() : "";
    // As issued: a live id, under its own point id, with nothing else in the payload.
    bool asIssued =
        liveIds.count(jti) && p.value("id", Json()) == Json(pointId(jti)) && payload.size() == 1;
    if (asIssued)
      v.present.insert(jti);
    else
      ++v.strays;
  }
  return v;
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
  std::map<std::string, ObservedObject> found;
  for (const auto& [host, server] : servers_) {
    if (!server.api && !server.problem.empty()) {
      // Its secret is missing: the tokens there cannot be read, so a key delivered there is not
      // known to be absent (a plan must not offer to create it).
      for (const auto& [name, spec] : keys_)
        if (spec.value("deliver", Json::object())
                .value("qdrant", Json::object())
                .value("server", "") == host)
          return Status::error(ErrorKind::kTerminal,
                               "cannot read the tokens on " + host + ": " + server.problem);
      continue;
    }
    if (!server.problem.empty() || !server.api) continue;
    auto v = view(host, server);
    if (!v)
      return Status::error(v.status().kind(),
                           "cannot read the tokens on " + host + ": " + v.status().message());
    // Newest first: of a key's live tokens (a rotation cut short leaves two), the newest that
    // is in place counts; the others are strays to revoke.
    size_t strays = v.value().strays;
    std::vector<std::string> seenHere;
    const auto& live = v.value().live;
    for (auto t = live.rbegin(); t != live.rend(); ++t) {
      if (!v.value().present.count(t->jti)) continue;
      if (found.count(t->key)) {
        ++strays;
        continue;
      }
      Json f;
      f["deliver"]["qdrant"] = {{"server", host}};
      auto text = readFileIfExists(t->tokenFile);
      if (text && text.value()) {
        auto claims = verifiedClaims(trimmed(*text.value()), server.signingKey);
        const Json ve = claims ? claims->value("value_exists", Json()) : Json();
        const Json matches = ve.is_object() ? ve.value("matches", Json()) : Json();
        if (matches.is_array() && !matches.empty() && matches[0].is_object() &&
            matches[0].value("value", Json()) == Json(t->jti)) {
          f["deliver"]["qdrant"]["tokenFile"] = t->tokenFile;
          f["qdrantClaims"] = {{"access", claims->value("access", Json())}};
          if (claims->contains("exp")) f["qdrantClaims"]["exp"] = (*claims)["exp"];
        }
      }
      auto k = keys_.find(t->key);
      f["secretDigest"] =
          (k != keys_.end() && t->secretDigest == k->second.value("secretDigest", ""))
              ? t->secretDigest
              : std::string("unverified");
      found[t->key] = ObservedObject{kind::kApiKey, "", t->key, f};
      seenHere.push_back(t->key);
    }
    if (v.value().jwtRbacOff) {
      // Every key declared for this server is reported, delivered or not: no token of it works.
      for (const auto& [name, spec] : keys_)
        if (qdrantServerOf(spec) == host)
          found[name] =
              ObservedObject{kind::kApiKey, "", name, Json::object(), rbacOffProblem(host)};
      continue;
    }
    if (strays > 0 && !seenHere.empty()) {
      // Reported once per server, on a key the specs declare when there is one.
      std::sort(seenHere.begin(), seenHere.end());
      std::string on = seenHere.front();
      for (const auto& n : seenHere)
        if (keys_.count(n)) {
          on = n;
          break;
        }
      found[on].fields["strayTokenPoints"] = strays;
    }
  }
  std::vector<ObservedObject> out;
  for (auto& [name, o] : found) out.push_back(std::move(o));
  // A key not delivered to Qdrant has nothing here to compare (its gateway entry is its
  // GatewayKeyFile's business): it exists, as declared, once its gateway file has its entry,
  // and not before (else a new gateway-only key would look like someone else's).
  std::map<std::string, std::set<std::string>> gatewayNames;
  for (const auto& [name, spec] : keys_) {
    if (found.count(name) || !qdrantServerOf(spec).empty()) continue;
    if (!deliveredToGateway(name, spec, gatewayNames)) continue;
    out.push_back(ObservedObject{
        kind::kApiKey, "", name, {{"secretDigest", spec.value("secretDigest", "")}}});
  }
  return out;
}

// The token collection: one keyword index on `token` (Qdrant looks a token up by it on every
// request), replicated to as many peers as the cluster has, up to 3 (a token must outlive a
// node). On a single node (GET /cluster: "disabled") that is 1.
Status KeyProvider::ensureTokenCollection(const Server& server) {
  if (collectionReady_.count(server.api)) return Status::ok();
  auto exists =
      server.api->call("GET", std::string("/collections/") + kTokenCollection + "/exists");
  if (!exists) return exists.status();
  if (!exists.value().is_object() || !exists.value().value("exists", false)) {
    Json body = {{"vectors", {{"size", 1}, {"distance", "Dot"}}}};
    auto cluster = server.api->call("GET", "/cluster");
    if (cluster && cluster.value().is_object() &&
        cluster.value().value("status", "") == "enabled") {
      const Json peers = cluster.value().value("peers", Json());
      size_t n = peers.is_object() ? peers.size() : 1;
      body["replication_factor"] = std::clamp<size_t>(n, 1, 3);
    }
    if (Status s = server.api->createCollection(kTokenCollection, body); !s) return s;
  }
  auto info = server.api->collectionInfo(kTokenCollection);
  if (!info) return info.status();
  const Json schema =
      info.value().is_object() ? info.value().value("payload_schema", Json()) : Json();
  if (!schema.is_object() || !schema.contains("token"))
    if (Status indexed = server.api->createPayloadIndex(kTokenCollection, "token", "keyword");
        !indexed)
      return indexed;
  collectionReady_.insert(server.api);
  return Status::ok();
}

Status KeyProvider::deliverToken(const std::string& name, const Json& spec,
                                 const std::string& secretDigest) {
  const Json& q = spec["deliver"]["qdrant"];
  std::string host = q.value("server", "");
  auto it = servers_.find(host);
  if (it == servers_.end())
    return Status::error(ErrorKind::kTerminal, "no Qdrant host " + host + " is declared");
  if (!it->second.api)
    return Status::error(
        ErrorKind::kTerminal,
        "cannot deliver to " + host + ": " +
            (it->second.problem.empty() ? std::string("it has no client") : it->second.problem));
  const Server& server = it->second;
  if (!server.problem.empty()) return Status::error(ErrorKind::kTerminal, server.problem);
  auto off = jwtRbacOff(server);
  if (!off) return off.status();
  if (off.value()) return Status::error(ErrorKind::kTerminal, rbacOffProblem(host));
  auto s = store();
  if (!s) return s.status();
  if (Status ok = ensureTokenCollection(server); !ok) return ok;

  const std::string jti = randomHex(16);
  const std::string file = q.value("tokenFile", "");
  Json claims = spec["qdrantClaims"];
  claims["subject"] = name;  // Qdrant's audit log; `sub` would be passed on as an inference token
  claims["value_exists"] = {{"collection", kTokenCollection},
                            {"matches", {{{"key", "token"}, {"value", jti}}}}};
  // Recorded first: a token whose point exists is always one the store knows.
  if (Status ok = s.value()->recordIssuedToken(
          IssuedToken{host, name, jti, file, secretDigest, clock_.nowSeconds()});
      !ok)
    return ok;
  Json body = {
      {"points", {{{"id", pointId(jti)}, {"vector", {1.0}}, {"payload", {{"token", jti}}}}}}};
  auto up = server.api->call(
      "PUT", std::string("/collections/") + kTokenCollection + "/points?wait=true", &body);
  if (!up) return up.status();
  // The new token is live before the file changes, and the old ones are revoked only after. No
  // newline: the file is the header value, and a client that sends it as read must not send one.
  if (Status ok = writeFileAtomically(file, mintHs256(claims, server.signingKey)); !ok) return ok;
  return revokeKey(name, jti, "", host);
}

// Deletes every point carrying one of `revoked` ids (whatever its point id), then every point
// that is not a live token hxctl issued, and checks that none carrying a revoked id is left (a
// write with a token about to be revoked may land after the first delete).
Status KeyProvider::sweep(const std::string& host, const Server& server,
                          const std::vector<std::string>& revoked) {
  auto s = store();
  if (!s) return s.status();
  auto exists =
      server.api->call("GET", std::string("/collections/") + kTokenCollection + "/exists");
  if (!exists) return exists.status();
  if (!exists.value().is_object() || !exists.value().value("exists", false)) return Status::ok();
  const std::string points = std::string("/collections/") + kTokenCollection + "/points";
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!revoked.empty()) {
      Json body = {{"filter", {{"must", {{{"key", "token"}, {"match", {{"any", revoked}}}}}}}}};
      if (auto r = server.api->call("POST", points + "/delete?wait=true", &body); !r)
        return r.status();
    }
    auto live = s.value()->liveTokens(host);
    if (!live) return live.status();
    Json keep = Json::array();
    for (const auto& t : live.value())
      if (std::find(revoked.begin(), revoked.end(), t.jti) == revoked.end())
        keep.push_back(pointId(t.jti));
    Json body = {{"filter", {{"must_not", {{{"has_id", keep}}}}}}};
    if (auto r = server.api->call("POST", points + "/delete?wait=true", &body); !r)
      return r.status();
    if (revoked.empty()) return Status::ok();
    Json count = {{"exact", true},
                  {"filter", {{"must", {{{"key", "token"}, {"match", {{"any", revoked}}}}}}}}};
    auto left = server.api->call("POST", points + "/count", &count);
    if (!left) return left.status();
    if (left.value().is_object() && left.value().value("count", 1) == 0) return Status::ok();
  }
  return Status::error(ErrorKind::kTransient, "points for revoked tokens keep reappearing in " +
                                                  std::string(kTokenCollection) + " on " + host);
}

Status KeyProvider::revokeKey(const std::string& name, const std::string& keep,
                              const std::string& tokenFile, const std::string& sweepHost) {
  auto s = store();
  if (!s) return s.status();
  for (const auto& [host, server] : servers_) {
    if (!server.api) continue;
    auto live = s.value()->liveTokens(host);
    if (!live) return live.status();
    std::vector<std::string> revoked;
    for (const auto& t : live.value())
      if (t.key == name && t.jti != keep) revoked.push_back(t.jti);
    if (revoked.empty() && host != sweepHost) continue;  // nothing of this key there
    if (Status ok = sweep(host, server, revoked); !ok) return ok;
    for (const auto& jti : revoked)
      if (Status ok = s.value()->markTokenRevoked(jti); !ok) return ok;
  }
  if (!tokenFile.empty()) std::filesystem::remove(tokenFile);
  return Status::ok();
}

Status KeyProvider::apply(const PlanAction& a) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string& name = a.id.name;
  const Json& seen = a.observed.is_null() ? Json::object() : a.observed;
  const auto seenTokenFile = [&]() -> std::string {
    if (!seen.contains("deliver") || !seen["deliver"].contains("qdrant")) return "";
    return seen["deliver"]["qdrant"].value("tokenFile", "");
  };
  if (a.type == ActionType::kDelete) return revokeKey(name, "", seenTokenFile());
  const Json& spec = a.spec;
  std::string digest = spec.value("secretDigest", "");
  const Json deliver = spec.value("deliver", Json::object());
  if (deliver.contains("qdrant") && touches(a, {"deliver.qdrant", "qdrantClaims", "secretDigest"}))
    return deliverToken(name, spec, digest);  // revokes the others and sweeps
  // A delivery the spec dropped is withdrawn.
  if (seen.contains("deliver") && seen["deliver"].contains("qdrant") && !deliver.contains("qdrant"))
    return revokeKey(name, "", seenTokenFile());
  // Only strays to remove: on the server this key's token lives on.
  if (seen.contains("strayTokenPoints")) {
    std::string host = qdrantServerOf(seen);
    auto it = servers_.find(host);
    if (it != servers_.end() && it->second.api) return sweep(host, it->second, {});
  }
  return Status::ok();
}

}  // namespace hx
