#include "qdrant_personality.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "qdrant_filter.h"

namespace hxsim {

namespace {

constexpr const char* kVersion = "1.19.0";
constexpr const char* kCommit = "74f3e85b9473c62560006c043e13737ce6b48412";

std::string name(const httplib::Request& req) { return req.matches[1].str(); }
std::string second(const httplib::Request& req) { return req.matches[2].str(); }

void ok(httplib::Response& res, const Json& result) {
  res.status = 200;
  res.set_content(Json{{"result", result}, {"status", "ok"}, {"time", 0.000021}}.dump(),
                  "application/json");
}

void fail(httplib::Response& res, int code, const std::string& message) {
  res.status = code;
  res.set_content(Json{{"status", {{"error", message}}}, {"time", 0.000012}}.dump(),
                  "application/json");
}

void text(httplib::Response& res, int code, const std::string& body) {
  res.status = code;
  res.set_content(body, "text/plain; charset=utf-8");
}

// Parses a JSON body as actix does: malformed JSON is a 400 "Format error".
bool parseBody(const httplib::Request& req, httplib::Response& res, Json* out) {
  *out = Json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    res.status = 400;
    res.set_content(
        Json{
            {"status", {{"error", "Format error in JSON body: expected value at line 1 column 1"}}},
            {"time", 0.0}}
            .dump(),
        "application/json");
    return false;
  }
  return true;
}

Json updateResult(uint64_t id, const httplib::Request& req) {
  bool wait = req.has_param("wait") && req.get_param_value("wait") == "true";
  return {{"operation_id", id}, {"status", wait ? "completed" : "acknowledged"}};
}

bool validDistance(const Json& d) {
  return d.is_string() && (d == "Cosine" || d == "Euclid" || d == "Dot" || d == "Manhattan");
}

// Checks one VectorParams as serde + validator would; returns "" or the error (with its code).
std::string checkVectorParams(const Json& v, const std::string& path, int* code) {
  if (!v.is_object() || !v.contains("size") || !v.contains("distance")) {
    *code = 400;
    return "Format error in JSON body: " + path + ": missing field `size` or `distance`";
  }
  if (!validDistance(v["distance"])) {
    *code = 400;
    return "Format error in JSON body: " + path + ".distance: unknown variant `" +
           (v["distance"].is_string() ? v["distance"].get<std::string>() : v["distance"].dump()) +
           "`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`";
  }
  if (!v["size"].is_number_unsigned() || v["size"] < 1 || v["size"] > 65536) {
    *code = 422;
    return "Validation error in JSON body: [" + path + ".size: value " + v["size"].dump() +
           " invalid, must be from 1 to 65536]";
  }
  return "";
}

std::string badName(const std::string& name) {
  if (name.empty() || name.size() > 255) return "must be 1-255 characters";
  for (char c : name)
    if (std::string("<>:\"/\\|?*").find(c) != std::string::npos || c == '\0' || c == '\x1f')
      return "contains a forbidden character";
  return "";
}

Json mergeObject(Json base, const Json& patch) {
  for (const auto& [k, v] : patch.items()) base[k] = v;
  return base;
}

double score(const std::string& distance, const Json& a, const Json& b) {
  double dot = 0, na = 0, nb = 0, l2 = 0, l1 = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    double x = a[i].get<double>(), y = b[i].get<double>();
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) * (x - y);
    l1 += std::fabs(x - y);
  }
  if (distance == "Cosine") return (na == 0 || nb == 0) ? 0 : dot / std::sqrt(na * nb);
  if (distance == "Dot") return dot;
  if (distance == "Euclid") return std::sqrt(l2);
  return l1;
}

}  // namespace

bool QdrantPersonality::isHealthPath(const std::string& path) const {
  return path == "/" || path == "/healthz" || path.rfind("/livez", 0) == 0 ||
         path.rfind("/readyz", 0) == 0;
}

void QdrantPersonality::internalError(httplib::Response& res) const {
  fail(res, 500, "Service internal error: injected failure (hx-sim)");
}

// The `value_exists` claim, checked against this server's own points (API-FACTS §4.2): Qdrant
// turns it into a filter, a `must` of `match.value` conditions (rbac/jwt claims.rs, to_filter),
// and looks for any one point that passes it, whatever the point's id.
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

bool QdrantPersonality::authorize(const httplib::Request& req, httplib::Response& res) {
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

Json QdrantPersonality::info(const Collection& c) const {
  Json schema = Json::object();
  for (const auto& [field, s] : c.payloadSchema.items()) {
    Json entry = s;
    uint64_t n = 0;
    for (const auto& [id, p] : c.points) n += p.payload.is_object() && p.payload.contains(field);
    entry["points"] = n;
    schema[field] = entry;
  }
  return {{"status", "green"},
          {"optimizer_status", "ok"},
          {"indexed_vectors_count", 0},
          {"points_count", c.points.size()},
          {"segments_count", 2},
          {"config",
           {{"params", c.params},
            {"hnsw_config", c.hnsw},
            {"optimizer_config", c.optimizer},
            {"wal_config", c.wal},
            {"quantization_config", c.quantization}}},
          {"payload_schema", schema},
          {"update_queue", {{"length", 0}}}};
}

void QdrantPersonality::createCollection(const httplib::Request& req, httplib::Response& res) {
  const std::string name = hxsim::name(req);
  if (std::string why = badName(name); !why.empty()) {
    fail(res, 422, "Validation error in path parameters: [collection_name: " + why + "]");
    return;
  }
  Json body;
  if (!parseBody(req, res, &body)) return;
  Collection c;
  c.params = {{"shard_number", 1},
              {"replication_factor", 1},
              {"write_consistency_factor", 1},
              {"on_disk_payload", true}};
  Json vectors = body.value("vectors", Json::object());
  int code = 0;
  if (vectors.contains("size") || vectors.contains("distance")) {
    if (std::string e = checkVectorParams(vectors, "vectors", &code); !e.empty())
      return fail(res, code, e);
  } else {
    for (const auto& [vname, params] : vectors.items())
      if (std::string e = checkVectorParams(params, "vectors." + vname, &code); !e.empty())
        return fail(res, code, e);
  }
  c.params["vectors"] = vectors;
  for (const char* k : {"shard_number", "replication_factor", "write_consistency_factor"})
    if (body.contains(k)) {
      if (!body[k].is_number_unsigned() || body[k] < 1)
        return fail(res, 422,
                    std::string("Validation error in JSON body: [") + k + ": value " +
                        body[k].dump() + " invalid, must be 1 or more]");
      c.params[k] = body[k];
    }
  if (body.contains("on_disk_payload")) c.params["on_disk_payload"] = body["on_disk_payload"];
  c.hnsw = mergeObject({{"m", 16},
                        {"ef_construct", 100},
                        {"full_scan_threshold", 10000},
                        {"max_indexing_threads", 0},
                        {"on_disk", false}},
                       body.value("hnsw_config", Json::object()));
  Json optimizers = body.contains("optimizers_config")
                        ? body["optimizers_config"]
                        : body.value("optimizer_config", Json::object());
  c.optimizer = mergeObject({{"deleted_threshold", 0.2},
                             {"vacuum_min_vector_number", 1000},
                             {"default_segment_number", 0},
                             {"max_segment_size", nullptr},
                             {"memmap_threshold", nullptr},
                             {"indexing_threshold", 10000},
                             {"flush_interval_sec", 5},
                             {"max_optimization_threads", nullptr},
                             {"prevent_unoptimized", nullptr}},
                            optimizers);
  c.quantization = body.contains("quantization_config") ? body["quantization_config"]
                                                        : body.value("quantization", Json());
  c.wal =
      mergeObject({{"wal_capacity_mb", 32}, {"wal_segments_ahead", 0}, {"wal_retain_closed", 1}},
                  body.value("wal_config", Json::object()));
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

void QdrantPersonality::updateCollection(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(name(req), res);
  if (!c) return;
  if (body.contains("vectors")) {
    Json& vectors = c->params["vectors"];
    bool single = vectors.contains("size");
    for (const auto& [vname, diff] : body["vectors"].items()) {
      Json* target = nullptr;
      if (single && vname.empty())
        target = &vectors;
      else if (!single && vectors.contains(vname))
        target = &vectors[vname];
      if (!target) return fail(res, 400, "Wrong input: Not existing vector name error: " + vname);
      // size, distance, datatype and multivector_config are not in VectorParamsDiff: ignored.
      if (diff.contains("hnsw_config")) (*target)["hnsw_config"] = diff["hnsw_config"];
      if (diff.contains("quantization_config")) {
        if (diff["quantization_config"] == "Disabled")
          target->erase("quantization_config");
        else
          (*target)["quantization_config"] = diff["quantization_config"];
      }
      if (diff.contains("on_disk")) (*target)["on_disk"] = diff["on_disk"];
    }
  }
  if (body.contains("hnsw_config")) c->hnsw = mergeObject(c->hnsw, body["hnsw_config"]);
  if (body.contains("optimizers_config"))
    c->optimizer = mergeObject(c->optimizer, body["optimizers_config"]);
  if (body.contains("quantization_config"))
    c->quantization =
        body["quantization_config"] == "Disabled" ? Json() : body["quantization_config"];
  if (body.contains("params"))
    for (const char* k : {"replication_factor", "write_consistency_factor", "on_disk_payload",
                          "read_fan_out_factor"})
      if (body["params"].contains(k)) c->params[k] = body["params"][k];
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
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(name(req), res);
  if (!c) return;
  if (!body.contains("field_name") || !body["field_name"].is_string())
    return fail(res, 400, "Format error in JSON body: missing field `field_name`");
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

void QdrantPersonality::upsertPoints(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(name(req), res);
  if (!c) return;
  Json points = Json::array();
  if (body.contains("points"))
    points = body["points"];
  else if (body.contains("batch")) {
    const Json& b = body["batch"];
    for (size_t i = 0; i < b.value("ids", Json::array()).size(); ++i)
      points.push_back({{"id", b["ids"][i]},
                        {"vector", b["vectors"][i]},
                        {"payload", b.contains("payloads") ? b["payloads"][i] : Json()}});
  }
  const Json& vectors = c->params["vectors"];
  for (const auto& p : points) {
    auto check = [&](const Json& v, const Json& params) -> std::string {
      if (!v.is_array()) return "Format error in JSON body: vector must be a list of numbers";
      if (v.size() != params.value("size", 0u))
        return "Wrong input: Vector dimension error: expected dim: " + params["size"].dump() +
               ", got " + std::to_string(v.size());
      return "";
    };
    const Json& v = p.value("vector", Json());
    std::string problem;
    if (vectors.contains("size"))
      problem = check(v, vectors);
    else if (v.is_object())
      for (const auto& [vname, vv] : v.items())
        problem = vectors.contains(vname) ? check(vv, vectors[vname])
                                          : "Wrong input: Not existing vector name error: " + vname;
    else
      problem = "Wrong input: Not existing vector name error: ";
    if (!problem.empty()) return fail(res, problem.rfind("Format", 0) == 0 ? 400 : 400, problem);
  }
  for (const auto& p : points)
    c->points[p["id"].dump()] =
        Point{p["id"], p["vector"], p.value("payload", Json::object()), ++operationId_};
  ok(res, updateResult(operationId_, req));
}

void QdrantPersonality::queryPoints(const httplib::Request& req, httplib::Response& res,
                                    bool legacySearch) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(name(req), res);
  if (!c) return;
  Json query = legacySearch ? body.value("vector", Json()) : body.value("query", Json());
  std::string using_ = body.value("using", "");
  if (query.is_object() && query.contains("nearest")) query = query["nearest"];
  if (legacySearch && query.is_object()) {
    using_ = query.value("name", "");
    query = query["vector"];
  }
  const Json& vectors = c->params["vectors"];
  const Json& params = vectors.contains("size") ? vectors : vectors.value(using_, Json());
  if (params.is_null())
    return fail(res, 400, "Wrong input: Not existing vector name error: " + using_);
  if (!query.is_array() || query.size() != params.value("size", 0u))
    return fail(res, 400,
                "Wrong input: Vector dimension error: expected dim: " + params["size"].dump() +
                    ", got " + std::to_string(query.is_array() ? query.size() : 0));
  std::string distance = params.value("distance", "Cosine");
  std::vector<std::pair<double, const Point*>> scored;
  const Json filter = body.value("filter", Json());
  for (const auto& [id, p] : c->points) {
    if (!matchesFilter(filter, p.id, p.payload)) continue;
    const Json& v = vectors.contains("size") ? p.vector : p.vector.value(using_, Json());
    if (v.is_array()) scored.emplace_back(score(distance, query, v), &p);
  }
  bool ascending = distance == "Euclid" || distance == "Manhattan";
  std::stable_sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
    return ascending ? a.first < b.first : a.first > b.first;
  });
  size_t limit = body.value("limit", body.value("top", 10));
  bool withPayload = body.value("with_payload", false);
  Json out = Json::array();
  for (size_t i = 0; i < scored.size() && i < limit; ++i) {
    Json sp = {{"id", scored[i].second->id},
               {"version", scored[i].second->version},
               {"score", scored[i].first}};
    if (withPayload) sp["payload"] = scored[i].second->payload;
    out.push_back(sp);
  }
  if (legacySearch)
    ok(res, out);
  else
    ok(res, {{"points", out}});
}

// The points of `c` that pass `filter`, in Qdrant's id order. mu_ must be held.
std::vector<const QdrantPersonality::Point*> QdrantPersonality::selectPoints(const Collection& c,
                                                                             const Json& filter) {
  std::vector<const Point*> out;
  for (const auto& [key, p] : c.points)
    if (matchesFilter(filter, p.id, p.payload)) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](const Point* a, const Point* b) { return pointIdLess(a->id, b->id); });
  return out;
}

// POST /collections/{c}/points/scroll (ScrollRequest): filter, `offset` (the first id to return,
// inclusive), `limit` (default 10), with_payload (default true), with_vector (default false);
// `next_page_offset` is the id after the page, or null at the end.
void QdrantPersonality::scrollPoints(const httplib::Request& req, httplib::Response& res) {
  Json body = Json::object();
  if (!req.body.empty() && !parseBody(req, res, &body)) return;
  Json filter = body.value("filter", Json());
  if (auto problem = filterProblem(filter)) return fail(res, 400, *problem);
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(name(req), res);
  if (!c) return;
  size_t limit = body.contains("limit") && body["limit"].is_number_unsigned()
                     ? body["limit"].get<size_t>()
                     : 10;
  bool withPayload = !body.contains("with_payload") || body["with_payload"] != false;
  bool withVector = body.value("with_vector", false) == true;
  Json offset = body.value("offset", Json());
  Json points = Json::array();
  Json next = nullptr;
  for (const Point* p : selectPoints(*c, filter)) {
    if (!offset.is_null() && pointIdLess(p->id, offset)) continue;
    if (points.size() == limit) {
      next = p->id;
      break;
    }
    Json out = {{"id", p->id}};
    if (withPayload) out["payload"] = p->payload;
    if (withVector) out["vector"] = p->vector;
    points.push_back(out);
  }
  ok(res, {{"points", points}, {"next_page_offset", next}});
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
    for (const auto& [name, c] : collections_) list.push_back({{"name", name}});
    ok(res, {{"collections", list}});
  });
  s.Get("/aliases", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    Json list = Json::array();
    for (const auto& [alias, c] : aliases_)
      list.push_back({{"alias_name", alias}, {"collection_name", c}});
    ok(res, {{"aliases", list}});
  });
  s.Post("/collections/aliases",
         [this](const httplib::Request& q, httplib::Response& r) { updateAliases(q, r); });
  s.Get("/collections/([^/]+)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (Collection* c = resolve(name(req), res)) ok(res, info(*c));
  });
  s.Get("/collections/([^/]+)/exists", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& n = name(req);
    ok(res, {{"exists", collections_.count(n) > 0 || aliases_.count(n) > 0}});
  });
  s.Get("/collections/([^/]+)/aliases",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          Json list = Json::array();
          for (const auto& [alias, c] : aliases_)
            if (c == name(req)) list.push_back({{"alias_name", alias}, {"collection_name", c}});
          ok(res, {{"aliases", list}});
        });
  s.Put("/collections/([^/]+)",
        [this](const httplib::Request& q, httplib::Response& r) { createCollection(q, r); });
  s.Patch("/collections/([^/]+)",
          [this](const httplib::Request& q, httplib::Response& r) { updateCollection(q, r); });
  s.Delete("/collections/([^/]+)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& n = name(req);  // not alias-aware, as in Qdrant
    bool existed = collections_.erase(n) > 0;
    for (auto it = aliases_.begin(); it != aliases_.end();)
      it = it->second == n ? aliases_.erase(it) : std::next(it);
    ok(res, existed);
  });
  s.Put("/collections/([^/]+)/index",
        [this](const httplib::Request& q, httplib::Response& r) { createIndex(q, r); });
  s.Delete("/collections/([^/]+)/index/([^/]+)",
           [this](const httplib::Request& req, httplib::Response& res) {
             std::lock_guard<std::mutex> lock(mu_);
             if (Collection* c = resolve(name(req), res)) {
               c->payloadSchema.erase(second(req));
               ok(res, updateResult(++operationId_, req));
             }
           });
  s.Put("/collections/([^/]+)/vectors/([^/]+)", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
    Json body;
    if (!parseBody(req, res, &body)) return;
    std::lock_guard<std::mutex> lock(mu_);
    Collection* c = resolve(name(req), res);
    if (!c) return;
    Json& vectors = c->params["vectors"];
    const std::string& v = second(req);
    if (vectors.contains("size") || vectors.contains(v))
      return fail(res, 400, "Wrong input: Vector with name " + v + " already exists");
    int code = 0;
    if (std::string e = checkVectorParams(body.value("dense", Json()), "dense", &code); !e.empty())
      return fail(res, code, e);
    vectors[v] = body["dense"];
    ok(res, updateResult(++operationId_, req));
  });
  s.Delete("/collections/([^/]+)/vectors/([^/]+)",
           [this](const httplib::Request& req, httplib::Response& res) {
             std::lock_guard<std::mutex> lock(mu_);
             Collection* c = resolve(name(req), res);
             if (!c) return;
             Json& vectors = c->params["vectors"];
             const std::string& v = second(req);
             if (vectors.contains("size") || !vectors.contains(v))
               return fail(res, 400, "Wrong input: Not existing vector name error: " + v);
             vectors.erase(v);
             ok(res, updateResult(++operationId_, req));
           });
  s.Put("/collections/([^/]+)/points",
        [this](const httplib::Request& q, httplib::Response& r) { upsertPoints(q, r); });
  s.Post("/collections/([^/]+)/points/query",
         [this](const httplib::Request& q, httplib::Response& r) { queryPoints(q, r, false); });
  s.Post("/collections/([^/]+)/points/search",
         [this](const httplib::Request& q, httplib::Response& r) { queryPoints(q, r, true); });
  s.Post("/collections/([^/]+)/points/scroll",
         [this](const httplib::Request& q, httplib::Response& r) { scrollPoints(q, r); });
  // CountRequest: filter, exact (the simulator always counts exactly).
  s.Post("/collections/([^/]+)/points/count",
         [this](const httplib::Request& req, httplib::Response& res) {
           Json body = Json::object();
           if (!req.body.empty() && !parseBody(req, res, &body)) return;
           Json filter = body.value("filter", Json());
           if (auto problem = filterProblem(filter)) return fail(res, 400, *problem);
           std::lock_guard<std::mutex> lock(mu_);
           if (Collection* c = resolve(name(req), res))
             ok(res, {{"count", selectPoints(*c, filter).size()}});
         });
  // PointsSelector: {"points": [ids]} or {"filter": {...}} (lib/api rest PointsSelector).
  s.Post("/collections/([^/]+)/points/delete",
         [this](const httplib::Request& req, httplib::Response& res) {
           Json body;
           if (!parseBody(req, res, &body)) return;
           if (!body.is_object() || (body.contains("points") == body.contains("filter")))
             return fail(res, 400,
                         "Format error in JSON body: data did not match any variant of untagged "
                         "enum PointsSelector");
           if (body.contains("filter"))
             if (auto problem = filterProblem(body["filter"])) return fail(res, 400, *problem);
           std::lock_guard<std::mutex> lock(mu_);
           Collection* c = resolve(name(req), res);
           if (!c) return;
           if (body.contains("points")) {
             for (const auto& id : body.value("points", Json::array())) c->points.erase(id.dump());
           } else {
             std::vector<std::string> gone;
             for (const Point* p : selectPoints(*c, body["filter"])) gone.push_back(p->id.dump());
             for (const auto& key : gone) c->points.erase(key);
           }
           ok(res, updateResult(++operationId_, req));
         });
  // GET /telemetry: the level-0 shape (TelemetryData; API-FACTS §2): `app.jwt_rbac` tells a
  // client whether the server accepts JWTs at all.
  s.Get("/telemetry", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    ok(res,
       {{"id", "9a3c1f52-5d1e-4c7b-8f0e-00000000c0fe"},
        {"app",
         {{"name", "qdrant"},
          {"version", kVersion},
          {"startup", "2026-01-01T00:00:00Z"},
          {"jwt_rbac", jwtRbac_ && !apiKey_.empty()}}},
        {"collections", {{"number_of_collections", collections_.size()}}},
        {"cluster", {{"enabled", false}}},
        {"requests",
         {{"rest", {{"responses", Json::object()}}}, {"grpc", {{"responses", Json::object()}}}}}});
  });
  // GET /cluster on a single node: consensus is off (ClusterStatus "disabled").
  s.Get("/cluster", [](const httplib::Request&, httplib::Response& res) {
    ok(res, {{"status", "disabled"}});
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    text(res, 200,
         std::string("# HELP app_info information about qdrant server\n# TYPE app_info gauge\n"
                     "app_info{name=\"qdrant\",version=\"") +
             kVersion +
             "\"} 1\n# HELP collections_total number of collections\n"
             "# TYPE collections_total gauge\ncollections_total " +
             std::to_string(collections_.size()) + "\n");
  });
}

}  // namespace hxsim
