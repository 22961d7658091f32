#include "qdrant_personality.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "qdrant_filter.h"
#include "qdrant_reply.h"
#include "qdrant_schema.h"

namespace hxsim {

using namespace qdrant;

namespace {

constexpr const char* kVersion = "1.19.0";
constexpr const char* kCommit = "74f3e85b9473c62560006c043e13737ce6b48412";

std::string badName(const std::string& name) {
  if (name.empty() || name.size() > 255) return "must be 1-255 characters";
  for (char c : name)
    if (std::string("<>:\"/\\|?*").find(c) != std::string::npos || c == '\0' || c == '\x1f')
      return "contains a forbidden character";
  return "";
}

}  // namespace

bool QdrantPersonality::isHealthPath(const std::string& path) const {
  return path == "/" || path == "/healthz" || path.rfind("/livez", 0) == 0 ||
         path.rfind("/readyz", 0) == 0;
}

void QdrantPersonality::internalError(httplib::Response& res) const {
  fail(res, 500, "Service internal error: injected failure (hx-sim)");
}

// A handler that read a field as a type the request did not give it: Qdrant's serde refuses such
// a body before any handler runs (400 "Format error in JSON body"), never with a 500.
void QdrantPersonality::handlerThrew(const std::exception& e, httplib::Response& res) const {
  if (dynamic_cast<const Json::exception*>(&e))
    return fail(res, 400, std::string("Format error in JSON body: ") + e.what());
  fail(res, 500, std::string("Service internal error: hx-sim: ") + e.what());
}

// The `value_exists` claim, checked against this server's own points (src/common/auth/claims.rs):
// Qdrant turns it into a filter, a `must` of `match.value` conditions (rbac/jwt claims.rs,
// to_filter), and looks for any one point that passes it, whatever the point's id.
std::optional<Refusal> QdrantPersonality::valueExists(const Json& claim) {
  std::lock_guard<std::mutex> lock(mu_);
  auto c = collections_.find(claim.value("collection", ""));
  if (c == collections_.end())
    return Refusal{403, "Invalid JWT, stateful validation failed", false};
  Json must = Json::array();
  for (const auto& m : claim.value("matches", Json::array()))
    must.push_back({{"key", m.value("key", "")}, {"match", {{"value", m.value("value", Json())}}}});
  const Json filter = {{"must", must}};
  for (const auto& [id, p] : c->second.points)
    if (matchesFilter(filter, p.id, p.payload)) return std::nullopt;
  return Refusal{401, "Invalid JWT, stateful validation failed", false};
}

// CORS, from the server's source. qdrant/qdrant src/actix/mod.rs wraps the whole app, outside
// its api-key middleware, in `Cors::default().allow_any_origin().allow_any_method()
// .allow_any_header()` when service.enable_cors is set (the default). So, as actix-cors's
// CorsMiddleware does (actix/actix-extras actix-cors/src/middleware.rs, handle_preflight and
// augment_response):
//   - every OPTIONS is a preflight, answered 200 before any key is asked for: the request's
//     Origin echoed in Access-Control-Allow-Origin, the methods listed, the requested headers
//     echoed in Access-Control-Allow-Headers; without an Origin or an
//     Access-Control-Request-Method it is a 400 (actix-cors's validation errors);
//   - any other request with an Origin has it echoed in Access-Control-Allow-Origin, with
//     "Vary: Origin", on whatever the inner service answers (a 401 included).
bool QdrantPersonality::answerCors(const httplib::Request& req, httplib::Response& res) const {
  if (!cors_) return false;
  const std::string origin = req.get_header_value("Origin");
  if (req.method == "OPTIONS") {
    if (origin.empty()) {
      res.status = 400;
      res.set_content("Origin is missing.", "text/plain");
    } else if (!req.has_header("Access-Control-Request-Method")) {
      res.status = 400;
      res.set_content("Request method is missing.", "text/plain");
    } else {
      res.status = 200;
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Access-Control-Allow-Methods",
                     "CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE");
      if (req.has_header("Access-Control-Request-Headers"))
        res.set_header("Access-Control-Allow-Headers",
                       req.get_header_value("Access-Control-Request-Headers"));
    }
    return true;
  }
  if (!origin.empty()) {
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
  }
  return false;
}

// CORS outermost, then the auth middleware, then the query extractors (before any handler).
bool QdrantPersonality::authorize(const httplib::Request& req, httplib::Response& res) {
  if (answerCors(req, res)) return false;  // answered: nothing behind it runs
  if (!authorizeKey(req, res)) return false;
  if (isHealthPath(req.path)) return true;
  if (auto e = checkQueryParams(req.params)) {
    fail(res, e->status, e->message);
    return false;
  }
  return true;
}

namespace {
// The grant of the request this worker thread is serving (set by authorizeKey, which runs before
// its handler on the same thread): the lists of collections and aliases show a collection token
// only what it may access (Qdrant filters them: tests/consensus_tests/auth_tests).
thread_local std::optional<Grant> tGrant;

bool listed(const std::string& collection) {
  if (!tGrant || tGrant->global != Grant::Global::kNone) return true;
  return tGrant->collections.count(collection) > 0;
}
}  // namespace

bool QdrantPersonality::authorizeKey(const httplib::Request& req, httplib::Response& res) {
  tGrant.reset();
  if (apiKey_.empty() && readOnlyKey_.empty()) return true;
  if (isHealthPath(req.path)) return true;
  std::string key = req.get_header_value("api-key");
  if (key.empty()) {
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) key = auth.substr(7);
  }
  if (key.empty()) {
    text(res, 401, "Must provide an API key or an Authorization bearer token");
    return false;
  }
  Grant grant;
  if (!apiKey_.empty() && key == apiKey_) {
    grant.global = Grant::Global::kManage;
  } else if (!readOnlyKey_.empty() && key == readOnlyKey_) {
    grant.global = Grant::Global::kRead;
  } else if (jwtRbac_ && !apiKey_.empty()) {
    auto refused = grantOfJwt(
        key, apiKey_, static_cast<long>(time(nullptr)),
        [this](const Json& c) { return valueExists(c); }, &grant);
    if (refused) {
      text(res, refused->status, refused->message);
      return false;
    }
  } else {
    text(res, 401, "Invalid API key or JWT");
    return false;
  }
  if (auto denied = checkRoute(grant, req.method, req.path)) {
    fail(res, denied->status, denied->message);
    return false;
  }
  tGrant = grant;
  return true;
}

QdrantPersonality::Collection* QdrantPersonality::resolve(const std::string& name,
                                                          httplib::Response& res) {
  auto it = collections_.find(name);
  if (it == collections_.end()) {
    auto alias = aliases_.find(name);
    if (alias != aliases_.end()) it = collections_.find(alias->second);
  }
  if (it == collections_.end()) {
    fail(res, 404, "Not found: Collection `" + name + "` doesn't exist!");
    return nullptr;
  }
  return &it->second;
}

// indexed_vectors_count follows the optimizer's rule: a segment gets its HNSW index once its
// dense vectors exceed `indexing_threshold` kilobytes (OptimizersConfigDiff's description in the
// OpenAPI document; 0 disables indexing). hx-sim keeps one segment, so it is all or nothing.
Json QdrantPersonality::info(const Collection& c) const {
  Json schema = Json::object();
  for (const auto& [field, s] : c.payloadSchema.items()) {
    Json entry = s;
    uint64_t n = 0;
    for (const auto& [id, p] : c.points) n += p.payload.is_object() && p.payload.contains(field);
    entry["points"] = n;
    schema[field] = entry;
  }
  const Json& dense = c.params["vectors"];
  uint64_t vectors = 0, bytes = 0;
  for (const auto& [id, p] : c.points) {
    if (dense.contains("size")) {
      vectors += p.vector.is_array();
      bytes += p.vector.is_array() ? p.vector.size() * 4 : 0;
      continue;
    }
    if (!p.vector.is_object()) continue;
    for (const auto& [name, v] : p.vector.items())
      if (dense.contains(name) && v.is_array()) {
        ++vectors;
        bytes += v.size() * 4;
      }
  }
  const Json threshold = c.optimizer.value("indexing_threshold", Json(10000));
  const uint64_t thresholdKb = threshold.is_number_unsigned() ? threshold.get<uint64_t>() : 10000;
  const uint64_t indexed = thresholdKb > 0 && bytes / 1024 >= thresholdKb ? vectors : 0;
  Json config = {{"params", c.params},
                 {"hnsw_config", c.hnsw},
                 {"optimizer_config", c.optimizer},
                 {"wal_config", c.wal},
                 {"quantization_config", c.quantization}};
  if (!c.strictMode.is_null()) config["strict_mode_config"] = c.strictMode;
  if (!c.metadata.is_null()) config["metadata"] = c.metadata;
  return {{"status", "green"},
          {"optimizer_status", "ok"},
          {"indexed_vectors_count", indexed},
          {"points_count", c.points.size()},
          {"segments_count", 2},
          {"config", config},
          {"payload_schema", schema},
          {"update_queue", {{"length", 0}}}};
}

// PUT /collections/{name} (CreateCollection). The path is validated first, then the body (type
// errors 400, ranges 422), then existence: Qdrant's extractors run before its handler.
void QdrantPersonality::createCollection(const httplib::Request& req, httplib::Response& res) {
  const std::string name = pathName(req);
  if (std::string why = badName(name); !why.empty()) {
    fail(res, 422, "Validation error in path parameters: [collection_name: " + why + "]");
    return;
  }
  Json raw;
  if (!parseBody(req, res, &raw)) return;
  if (auto e = checkCreateCollection(raw)) return fail(res, e->status, e->message);
  const Json metadata = raw.value("metadata", Json());  // kept as sent: a payload may hold null
  const Json body = withoutNulls(raw);
  Collection c;
  c.params = {{"shard_number", 1},
              {"replication_factor", 1},
              {"write_consistency_factor", 1},
              {"on_disk_payload", true}};
  c.params["vectors"] = body.value("vectors", Json::object());
  if (body.contains("sparse_vectors") && !body["sparse_vectors"].empty()) {
    for (const auto& [vname, params] : body["sparse_vectors"].items())
      if (!c.params["vectors"].contains("size") && c.params["vectors"].contains(vname))
        return fail(res, 400,
                    "Wrong input: Dense and sparse vector names must be unique - duplicate found "
                    "with '" +
                        vname + "'");
    c.params["sparse_vectors"] = body["sparse_vectors"];
  }
  for (const char* k : {"shard_number", "replication_factor", "write_consistency_factor",
                        "on_disk_payload", "sharding_method"})
    if (body.contains(k)) c.params[k] = body[k];
  c.hnsw = applyDiff(defaultHnsw(), body.value("hnsw_config", Json()));
  c.optimizer = applyDiff(defaultOptimizers(),
                          body.value("optimizers_config", body.value("optimizer_config", Json())));
  // OptimizersConfig keeps every field, null included (lib/collection/src/optimizers_builder.rs
  // serialises its Options as null): defaults that are null stay null rather than vanish.
  const Json optimizerDefaults = defaultOptimizers();
  for (const auto& [k, v] : optimizerDefaults.items())
    if (!c.optimizer.contains(k)) c.optimizer[k] = v;
  c.quantization = body.contains("quantization_config") ? body["quantization_config"]
                                                        : body.value("quantization", Json());
  c.wal = applyDiff(defaultWal(), body.value("wal_config", Json()));
  if (body.contains("strict_mode_config")) c.strictMode = body["strict_mode_config"];
  if (metadata.is_object()) c.metadata = metadata;
  std::lock_guard<std::mutex> lock(mu_);
  if (collections_.count(name))
    return fail(res, 409, "Wrong input: Collection `" + name + "` already exists!");
  if (aliases_.count(name))
    return fail(res, 400,
                "Wrong input: Can't create collection with name " + name +
                    ". Alias with the same name already exists");
  collections_[name] = std::move(c);
  ok(res, true);
}

// PATCH /collections/{name} (UpdateCollection): each *Diff merges into the current value, a
// null field changing nothing; metadata merges with null deleting a key; quantization
// "Disabled" clears it. Unknown fields (size, distance, wal_config, ...) are ignored.
void QdrantPersonality::updateCollection(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  if (auto e = checkUpdateCollection(body)) return fail(res, e->status, e->message);
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(pathName(req), res);
  if (!c) return;
  // Every name is checked before anything changes: a refused PATCH changes nothing.
  Json& vectors = c->params["vectors"];
  const bool single = vectors.contains("size");
  const Json vectorDiffs = body.value("vectors", Json());
  if (vectorDiffs.is_object())
    for (const auto& [vname, diff] : vectorDiffs.items())
      if (!(single ? vname.empty() : vectors.contains(vname)))
        return fail(res, 400, "Wrong input: Not existing vector name error: " + vname);
  const Json sparseDiffs = body.value("sparse_vectors", Json());
  const Json sparse = c->params.value("sparse_vectors", Json::object());
  if (sparseDiffs.is_object())
    for (const auto& [vname, diff] : sparseDiffs.items())
      if (!sparse.contains(vname))
        return fail(res, 400, "Wrong input: Not existing vector name error: " + vname);
  if (vectorDiffs.is_object())
    for (const auto& [vname, diff] : vectorDiffs.items()) {
      if (!diff.is_object()) continue;
      Json& target = single ? vectors : vectors[vname];
      // size, distance, datatype and multivector_config are not in VectorParamsDiff: ignored.
      if (diff.contains("hnsw_config") && !diff["hnsw_config"].is_null())
        target["hnsw_config"] = withoutNulls(diff["hnsw_config"]);
      if (diff.contains("quantization_config") && !diff["quantization_config"].is_null()) {
        if (diff["quantization_config"] == "Disabled")
          target.erase("quantization_config");
        else
          target["quantization_config"] = diff["quantization_config"];
      }
      if (diff.contains("on_disk") && !diff["on_disk"].is_null())
        target["on_disk"] = diff["on_disk"];
    }
  if (sparseDiffs.is_object())
    for (const auto& [vname, diff] : sparseDiffs.items()) {
      if (!diff.is_object()) continue;
      Json& target = c->params["sparse_vectors"][vname];
      if (diff.contains("index") && diff["index"].is_object())
        target["index"] = applyDiff(target.value("index", Json::object()), diff["index"]);
      if (diff.contains("modifier") && !diff["modifier"].is_null())
        target["modifier"] = diff["modifier"];
    }
  if (body.contains("hnsw_config")) c->hnsw = applyDiff(c->hnsw, body["hnsw_config"]);
  if (body.contains("optimizers_config"))
    c->optimizer = applyDiff(c->optimizer, body["optimizers_config"]);
  if (body.contains("quantization_config") && !body["quantization_config"].is_null())
    c->quantization =
        body["quantization_config"] == "Disabled" ? Json() : body["quantization_config"];
  if (body.contains("params") && body["params"].is_object())
    for (const char* k : {"replication_factor", "write_consistency_factor", "on_disk_payload",
                          "read_fan_out_factor", "read_fan_out_delay_ms", "payload"})
      if (body["params"].contains(k) && !body["params"][k].is_null())
        c->params[k] = body["params"][k];
  if (body.contains("strict_mode_config") && body["strict_mode_config"].is_object())
    c->strictMode = applyDiff(c->strictMode, body["strict_mode_config"]);
  if (body.contains("metadata") && body["metadata"].is_object())
    c->metadata = mergeMetadata(c->metadata, body["metadata"]);
  ok(res, true);
}

void QdrantPersonality::updateAliases(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  std::lock_guard<std::mutex> lock(mu_);
  // Applied in order; a failing action leaves the earlier ones applied, as the server does.
  for (const auto& action : body.value("actions", Json::array())) {
    if (action.contains("create_alias")) {
      std::string collection = action["create_alias"].value("collection_name", "");
      std::string alias = action["create_alias"].value("alias_name", "");
      if (!collections_.count(collection))
        return fail(res, 404, "Not found: Collection `" + collection + "` doesn't exist!");
      if (collections_.count(alias))
        return fail(res, 409, "Wrong input: Collection `" + alias + "` already exists!");
      aliases_[alias] = collection;
    } else if (action.contains("delete_alias")) {
      aliases_.erase(action["delete_alias"].value("alias_name", ""));
    } else if (action.contains("rename_alias")) {
      std::string from = action["rename_alias"].value("old_alias_name", "");
      std::string to = action["rename_alias"].value("new_alias_name", "");
      auto it = aliases_.find(from);
      if (it == aliases_.end())
        return fail(res, 404, "Not found: Alias " + from + " does not exists!");
      std::string collection = it->second;
      aliases_.erase(it);
      aliases_[to] = collection;
    } else {
      return fail(res, 400, "Format error in JSON body: unknown variant in actions");
    }
  }
  ok(res, true);
}

void QdrantPersonality::createIndex(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  if (auto e = checkCreateIndex(body)) return fail(res, e->status, e->message);
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(pathName(req), res);
  if (!c) return;
  const Json& schema = body.value("field_schema", Json());
  if (schema.is_null())
    return fail(
        res, 400,
        "Bad request: Can't auto-detect field type, please specify `field_schema` in the request");
  Json entry;
  if (schema.is_string())
    entry = {{"data_type", schema}};
  else
    entry = {{"data_type", schema.value("type", "keyword")}, {"params", schema}};
  c->payloadSchema[body["field_name"].get<std::string>()] = entry;
  ok(res, updateResult(++operationId_, req));
}

QdrantPersonality::Handler QdrantPersonality::counted(const std::string& method,
                                                      const std::string& endpoint,
                                                      Handler handler) {
  return [this, method, endpoint, handler](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    handler(req, res);
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    countResponse(method, endpoint, req.matches.size() > 1 ? req.matches[1].str() : "", res.status,
                  took.count());
  };
}

namespace {

std::string nowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return buf;
}

}  // namespace

void QdrantPersonality::countResponse(const std::string& method, const std::string& endpoint,
                                      const std::string& collection, int status, double micros) {
  const std::string when = nowRfc3339();
  auto add = [&](ResponseStats& s) {
    s.minMicros = s.count == 0 ? micros : std::min(s.minMicros, micros);
    s.maxMicros = std::max(s.maxMicros, micros);
    s.totalMicros += micros;
    ++s.count;
    s.lastResponded = when;
  };
  std::lock_guard<std::mutex> lock(metricsMu_);
  add(responses_[{method, endpoint, status}]);
  if (!collection.empty()) add(collectionResponses_[collection][{method, endpoint, status}]);
}

void QdrantPersonality::install(httplib::Server& s) {
  s.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        Json{{"title", "qdrant - vector search engine"}, {"version", kVersion}, {"commit", kCommit}}
            .dump(),
        "application/json");
  });
  for (const char* p : {"/healthz", "/livez"})
    s.Get(p, [](const httplib::Request&, httplib::Response& res) {
      text(res, 200, "healthz check passed");
    });
  s.Get("/readyz", [](const httplib::Request&, httplib::Response& res) {
    text(res, 200, "all shards are ready");
  });
  s.Get("/collections", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    Json list = Json::array();
    for (const auto& [name, c] : collections_)
      if (listed(name)) list.push_back({{"name", name}});
    ok(res, {{"collections", list}});
  });
  s.Get("/aliases", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    Json list = Json::array();
    for (const auto& [alias, c] : aliases_)
      if (listed(c)) list.push_back({{"alias_name", alias}, {"collection_name", c}});
    ok(res, {{"aliases", list}});
  });
  s.Post("/collections/aliases",
         [this](const httplib::Request& q, httplib::Response& r) { updateAliases(q, r); });
  s.Get("/collections/([^/]+)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (Collection* c = resolve(pathName(req), res)) ok(res, info(*c));
  });
  s.Get("/collections/([^/]+)/exists", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& n = pathName(req);
    ok(res, {{"exists", collections_.count(n) > 0 || aliases_.count(n) > 0}});
  });
  s.Get("/collections/([^/]+)/aliases",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          Json list = Json::array();
          for (const auto& [alias, c] : aliases_)
            if (c == pathName(req)) list.push_back({{"alias_name", alias}, {"collection_name", c}});
          ok(res, {{"aliases", list}});
        });
  s.Put("/collections/([^/]+)",
        [this](const httplib::Request& q, httplib::Response& r) { createCollection(q, r); });
  s.Patch("/collections/([^/]+)",
          [this](const httplib::Request& q, httplib::Response& r) { updateCollection(q, r); });
  s.Delete("/collections/([^/]+)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& n = pathName(req);  // not alias-aware, as in Qdrant
    bool existed = collections_.erase(n) > 0;
    for (auto it = aliases_.begin(); it != aliases_.end();)
      it = it->second == n ? aliases_.erase(it) : std::next(it);
    ok(res, existed);
  });
  s.Put("/collections/([^/]+)/index",
        counted("PUT", "/collections/{collection_name}/index",
                [this](const httplib::Request& q, httplib::Response& r) { createIndex(q, r); }));
  s.Delete("/collections/([^/]+)/index/([^/]+)",
           [this](const httplib::Request& req, httplib::Response& res) {
             std::lock_guard<std::mutex> lock(mu_);
             if (Collection* c = resolve(pathName(req), res)) {
               c->payloadSchema.erase(pathSecond(req));
               ok(res, updateResult(++operationId_, req));
             }
           });
  // PUT /collections/{c}/vectors/{v} (>= 1.18): {"dense": VectorParams} or {"sparse":
  // SparseVectorParams}; a name already taken by either kind is refused.
  s.Put("/collections/([^/]+)/vectors/([^/]+)",
        counted("PUT", "/collections/{collection_name}/vectors/{vector_name}",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Json body;
                  if (!parseBody(req, res, &body)) return;
                  const std::string& v = pathSecond(req);
                  const bool isSparse = body.contains("sparse");
                  if (isSparse == body.contains("dense"))
                    return fail(res, 400,
                                "Format error in JSON body: expected exactly one of `dense` or "
                                "`sparse`");
                  Json probe = isSparse ? Json{{"sparse_vectors", {{v, body["sparse"]}}}}
                                        : Json{{"vectors", {{v, body["dense"]}}}};
                  if (auto e = checkCreateCollection(probe)) {
                    std::string m = e->message;
                    for (std::string from :
                         {std::string("vectors.") + v, std::string("sparse_vectors.") + v}) {
                      auto at = m.find(from);
                      if (at != std::string::npos)
                        m.replace(at, from.size(), isSparse ? "sparse" : "dense");
                    }
                    return fail(res, e->status, m);
                  }
                  std::lock_guard<std::mutex> lock(mu_);
                  Collection* c = resolve(pathName(req), res);
                  if (!c) return;
                  Json& vectors = c->params["vectors"];
                  Json sparse = c->params.value("sparse_vectors", Json::object());
                  if (vectors.contains("size") || vectors.contains(v) || sparse.contains(v))
                    return fail(res, 400, "Wrong input: Vector with name " + v + " already exists");
                  if (isSparse)
                    c->params["sparse_vectors"][v] = withoutNulls(body["sparse"]);
                  else
                    vectors[v] = withoutNulls(body["dense"]);
                  ok(res, updateResult(++operationId_, req));
                }));
  s.Delete("/collections/([^/]+)/vectors/([^/]+)",
           counted("DELETE", "/collections/{collection_name}/vectors/{vector_name}",
                   [this](const httplib::Request& req, httplib::Response& res) {
                     std::lock_guard<std::mutex> lock(mu_);
                     Collection* c = resolve(pathName(req), res);
                     if (!c) return;
                     Json& vectors = c->params["vectors"];
                     const std::string& v = pathSecond(req);
                     if (c->params.contains("sparse_vectors") &&
                         c->params["sparse_vectors"].contains(v)) {
                       c->params["sparse_vectors"].erase(v);
                       if (c->params["sparse_vectors"].empty()) c->params.erase("sparse_vectors");
                     } else if (vectors.contains("size") || !vectors.contains(v)) {
                       return fail(res, 400, "Wrong input: Not existing vector name error: " + v);
                     } else {
                       vectors.erase(v);
                     }
                     for (auto& [id, p] : c->points)
                       if (p.vector.is_object()) p.vector.erase(v);
                     ok(res, updateResult(++operationId_, req));
                   }));
  installPoints(s);
  installService(s);
}

}  // namespace hxsim
