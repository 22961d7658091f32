// Points, as Qdrant's REST API serves them (src/actix/api/{update_api,retrieve_api,query_api,
// search_api,count_api}.rs; shapes from the OpenAPI document): upsert (list or batch form),
// retrieve, query (dense, sparse, by point id, or no query: id order), legacy search, scroll,
// count, delete, payload set / overwrite / delete / clear, vector update / delete, and batches of
// those. Payload and vector selectors (WithPayloadInterface, WithVector) apply to every read.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "qdrant_filter.h"
#include "qdrant_personality.h"
#include "qdrant_reply.h"

namespace hxsim {

using namespace qdrant;

namespace {

using Error = std::pair<int, std::string>;

bool isUuid(const std::string& s) {
  // 8-4-4-4-12 hex digits, or 32 hex digits (uuid::Uuid::parse_str takes both)
  std::string hex;
  for (char c : s)
    if (c != '-') hex += c;
  if (hex.size() != 32) return false;
  if (s.size() == 36 && (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')) return false;
  if (s.size() != 36 && s.size() != 32) return false;
  return std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(c); });
}

// ExtendedPointId: an unsigned integer or a UUID string.
std::optional<Error> checkId(const Json& id) {
  if (id.is_number_unsigned()) return std::nullopt;
  if (id.is_string() && isUuid(id.get<std::string>())) return std::nullopt;
  return Error{400, "Format error in JSON body: value " + id.dump() +
                        " is not a valid point ID, valid values are either an unsigned integer "
                        "or a UUID"};
}

bool isDenseParams(const Json& vectors) { return vectors.contains("size"); }

// A sparse vector: {indices: [u32], values: [f32]}, same length, unique indices (SparseVector).
std::optional<Error> checkSparse(const Json& v, const std::string& path) {
  if (!v.is_object() || !v.contains("indices") || !v.contains("values") ||
      !v["indices"].is_array() || !v["values"].is_array())
    return Error{400, "Format error in JSON body: " + path +
                          ": expected a sparse vector {\"indices\": [...], \"values\": [...]}"};
  for (const auto& i : v["indices"])
    if (!i.is_number_unsigned() || i.get<uint64_t>() > 0xFFFFFFFFull)
      return Error{400, "Format error in JSON body: " + path +
                            ".indices: invalid value: " + i.dump() + ", expected u32"};
  for (const auto& x : v["values"])
    if (!x.is_number())
      return Error{400, "Format error in JSON body: " + path +
                            ".values: invalid type: " + x.dump() + ", expected f32"};
  if (v["indices"].size() != v["values"].size())
    return Error{
        422, "Validation error in JSON body: [" + path + ": must be the same length as indices]"};
  std::set<uint64_t> seen;
  for (const auto& i : v["indices"])
    if (!seen.insert(i.get<uint64_t>()).second)
      return Error{422, "Validation error in JSON body: [" + path + ".indices: must be unique]"};
  return std::nullopt;
}

bool isMultiParams(const Json& params) {
  return params.is_object() && params.contains("multivector_config") &&
         params["multivector_config"].is_object();
}

bool isMultiValue(const Json& v) {
  return v.is_array() && !v.empty() &&
         std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_array(); });
}

// A multivector ([[f32]], every row the same width) for a field with multivector_config. The
// texts are Qdrant's (tests/openapi/test_multi_vector_persistence.py, validated in
// lib/api/src/rest/validate.rs as `{vector path}.?.data`); `base` is the point's vector path.
std::optional<Error> checkMulti(const Json& v, const Json& params, const std::string& base) {
  const std::string size = params.value("size", Json(0)).dump();
  if (v.is_array() && v.empty())
    return Error{400, "Wrong input: Vector inserting error: expected dim: " + size + ", got 0"};
  if (!isMultiValue(v)) {
    if (v.is_array() &&
        std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_number(); }))
      return Error{400, "Wrong input: Conversion between multi and regular vectors failed"};
    return Error{400, "Format error in JSON body: " + base + ": invalid type: expected a vector"};
  }
  for (const auto& row : v) {
    for (const auto& x : row)
      if (!x.is_number())
        return Error{400, "Format error in JSON body: " + base + ": invalid type: " + x.dump() +
                              ", expected f32"};
    if (row.empty())
      return Error{422, "Validation error in JSON body: [" + base +
                            ".?.data: all vectors must be non-empty]"};
    if (row.size() != v[0].size())
      return Error{422, "Validation error in JSON body: [" + base +
                            ".?.data: all vectors must have the same dimension, found vector "
                            "with dimension " +
                            std::to_string(row.size()) + "]"};
  }
  if (v[0].size() != params.value("size", 0u))
    return Error{400, "Wrong input: Vector dimension error: expected dim: " + size + ", got " +
                          std::to_string(v[0].size())};
  return std::nullopt;
}

// `path` names the value for format errors; `base` is the point's vector path, which Qdrant's
// multivector validation names instead.
std::optional<Error> checkDense(const Json& v, const Json& params, const std::string& path,
                                const std::string& base) {
  if (isMultiParams(params)) return checkMulti(v, params, base);
  // A list of lists deserializes as a multivector (VectorPersisted::MultiDense), which a regular
  // vector cannot take (OperationError::WrongMulti).
  if (isMultiValue(v))
    return Error{400, "Wrong input: Conversion between multi and regular vectors failed"};
  if (!v.is_array())
    return Error{400, "Format error in JSON body: " + path + ": invalid type: expected a vector"};
  for (const auto& x : v)
    if (!x.is_number())
      return Error{400, "Format error in JSON body: " + path + ": invalid type: " + x.dump() +
                            ", expected f32"};
  if (v.size() != params.value("size", 0u))
    return Error{400, "Wrong input: Vector dimension error: expected dim: " +
                          params["size"].dump() + ", got " + std::to_string(v.size())};
  return std::nullopt;
}

// One point's vector(s) against the collection's config. Named vectors may be given in part.
std::optional<Error> checkVector(const QdrantPersonality::Collection& c, const Json& v,
                                 const std::string& path) {
  const Json& dense = c.params["vectors"];
  const Json sparse = c.params.value("sparse_vectors", Json::object());
  if (isDenseParams(dense)) {
    // The unnamed vector is named "" (the default); sparse vectors beside it go by their names,
    // and a point may carry any of them (Qdrant's basic test collection: "sparse-text" only).
    if (v.is_object() && !v.contains("indices")) {
      for (const auto& [name, value] : v.items()) {
        if (sparse.contains(name)) {
          if (auto e = checkSparse(value, path + "." + name)) return e;
          continue;
        }
        if (!name.empty())
          return Error{400, "Wrong input: Not existing vector name error: " + name};
        if (auto e = checkDense(value, dense, path, path)) return e;
      }
      return std::nullopt;
    }
    return checkDense(v, dense, path, path);
  }
  if (!v.is_object() || v.contains("indices"))
    return Error{400, "Wrong input: Not existing vector name error: "};
  for (const auto& [name, value] : v.items()) {
    if (dense.contains(name)) {
      if (auto e = checkDense(value, dense[name], path + "." + name, path)) return e;
    } else if (sparse.contains(name)) {
      if (auto e = checkSparse(value, path + "." + name)) return e;
    } else {
      return Error{400, "Wrong input: Not existing vector name error: " + name};
    }
  }
  return std::nullopt;
}

double denseScore(const std::string& distance, const Json& a, const Json& b) {
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

// max_sim over two multivectors (lib/segment/src/spaces/metric.rs's multi-vector scoring): for
// each query row, its best score against the stored rows, summed. For Euclid and Manhattan,
// where smaller is closer, the best is the smallest distance.
double maxSim(const std::string& distance, const Json& query, const Json& stored) {
  const bool isDistance = distance == "Euclid" || distance == "Manhattan";
  double total = 0;
  for (const Json& q : query) {
    bool first = true;
    double best = 0;
    for (const Json& d : stored) {
      const double s = denseScore(distance, q, d);
      if (first || (isDistance ? s < best : s > best)) best = s;
      first = false;
    }
    total += best;
  }
  return total;
}

// One row of a dense query against the field's params: numbers, of the field's size.
std::optional<Error> nearestRowProblem(const Json& row, const Json& params) {
  if (!row.is_array() || row.size() != params.value("size", 0u))
    return Error{400,
                 "Wrong input: Vector dimension error: expected dim: " + params["size"].dump() +
                     ", got " + std::to_string(row.is_array() ? row.size() : 0)};
  for (const auto& x : row)
    if (!x.is_number())
      return Error{
          400, "Format error in JSON body: query: invalid type: " + x.dump() + ", expected f32"};
  return std::nullopt;
}

// Sparse vectors score by dot product over the indices both have (Qdrant's sparse search; the
// `idf` modifier's collection statistics are not simulated).
double sparseScore(const Json& a, const Json& b) {
  double s = 0;
  for (size_t i = 0; i < a["indices"].size(); ++i)
    for (size_t j = 0; j < b["indices"].size(); ++j)
      if (a["indices"][i] == b["indices"][j])
        s += a["values"][i].get<double>() * b["values"][j].get<double>();
  return s;
}

// WithPayloadInterface: true / false, a list of keys, {include: [...]} or {exclude: [...]}.
std::optional<Error> checkPayloadSelector(const Json& s) {
  if (s.is_null() || s.is_boolean()) return std::nullopt;
  auto strings = [](const Json& a) {
    return a.is_array() &&
           std::all_of(a.begin(), a.end(), [](const Json& x) { return x.is_string(); });
  };
  if (strings(s)) return std::nullopt;
  if (s.is_object() && ((s.contains("include") && strings(s["include"])) ||
                        (s.contains("exclude") && strings(s["exclude"]))))
    return std::nullopt;
  return Error{400,
               "Format error in JSON body: with_payload: data did not match any variant of "
               "untagged enum WithPayloadInterface"};
}

std::optional<Error> checkVectorSelector(const Json& s) {
  if (s.is_null() || s.is_boolean()) return std::nullopt;
  if (s.is_array() && std::all_of(s.begin(), s.end(), [](const Json& x) { return x.is_string(); }))
    return std::nullopt;
  return Error{400,
               "Format error in JSON body: with_vector: data did not match any variant of "
               "untagged enum WithVector"};
}

// The payload a read returns under `selector`, or null when it returns none.
Json selectPayload(const Json& payload, const Json& selector, bool byDefault) {
  if (selector.is_null()) return byDefault ? payload : Json();
  if (selector.is_boolean()) return selector.get<bool>() ? payload : Json();
  const bool include = selector.is_array() || selector.contains("include");
  const Json& keys = selector.is_array() ? selector : selector[include ? "include" : "exclude"];
  Json out = Json::object();
  for (const auto& [k, v] : payload.items()) {
    bool listed = std::find(keys.begin(), keys.end(), Json(k)) != keys.end();
    if (listed == include) out[k] = v;
  }
  return out;
}

Json selectVector(const Json& vector, const Json& selector, bool byDefault) {
  if (selector.is_null()) return byDefault ? vector : Json();
  if (selector.is_boolean()) return selector.get<bool>() ? vector : Json();
  if (!vector.is_object()) return vector;  // the unnamed vector has no name to select
  Json out = Json::object();
  for (const auto& name : selector)
    if (vector.contains(name.get<std::string>()))
      out[name.get<std::string>()] = vector[name.get<std::string>()];
  return out;
}

// A point's vectors as Qdrant answers them (VectorStructOutput): the plain array when the point
// has only the unnamed vector, else the map by name ("" for the unnamed one beside sparse ones).
Json outputVector(const Json& stored) {
  if (stored.is_object() && stored.size() == 1 && stored.contains("")) return stored[""];
  return stored;
}

Json record(const QdrantPersonality::Point& p, const Json& withPayload, const Json& withVector,
            bool payloadByDefault, bool vectorByDefault) {
  Json r = {{"id", p.id}};
  Json payload = selectPayload(p.payload, withPayload, payloadByDefault);
  if (!payload.is_null()) r["payload"] = payload;
  Json vector = selectVector(outputVector(p.vector), withVector, vectorByDefault);
  if (!vector.is_null()) r["vector"] = vector;
  return r;
}

Json idFromPath(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit) && text.size() < 20)
    return Json(std::stoull(text));
  return Json(text);
}

// The points of a PointsSelector-like body ({points: [...]} or {filter: {...}}), or an error.
std::optional<Error> selectorProblem(const Json& body, bool required) {
  bool ids = body.contains("points") && !body["points"].is_null();
  bool filter = body.contains("filter") && !body["filter"].is_null();
  if (ids && !body["points"].is_array())
    return Error{400, "Format error in JSON body: points: invalid type: expected a sequence"};
  if (ids)
    for (const auto& id : body["points"])
      if (auto e = checkId(id)) return e;
  if (filter)
    if (auto problem = filterProblem(body["filter"])) return Error{400, *problem};
  if (required && !ids && !filter)
    return Error{400,
                 "Format error in JSON body: data did not match any variant of untagged "
                 "enum PointsSelector"};
  return std::nullopt;
}

}  // namespace

// mu_ held. The ids a selector names that exist, or those that pass its filter.
static std::vector<std::string> selectedKeys(
    QdrantPersonality::Collection& c, const Json& body,
    const std::function<bool(const QdrantPersonality::Point&)>& pass) {
  std::vector<std::string> keys;
  if (body.contains("points") && body["points"].is_array()) {
    for (const auto& id : body["points"])
      if (c.points.count(id.dump())) keys.push_back(id.dump());
    return keys;
  }
  for (const auto& [key, p] : c.points)
    if (pass(p)) keys.push_back(key);
  return keys;
}

std::optional<std::pair<int, std::string>> QdrantPersonality::applyUpdate(Collection& c,
                                                                          const std::string& op,
                                                                          const Json& body) {
  auto filtered = [&](const Point& p) {
    return matchesFilter(body.value("filter", Json()), p.id, p.payload, &p.vector);
  };
  if (op == "upsert") {
    Json points = Json::array();
    if (body.contains("points") && body["points"].is_array()) {
      points = body["points"];
    } else if (body.contains("batch") && body["batch"].is_object()) {
      const Json& b = body["batch"];
      const Json ids = b.value("ids", Json::array());
      const Json vectors = b.value("vectors", Json::array());
      for (size_t i = 0; i < ids.size(); ++i) {
        Json v;
        if (vectors.is_array()) {
          v = i < vectors.size() ? vectors[i] : Json();
        } else {
          v = Json::object();
          for (const auto& [name, list] : vectors.items())
            if (list.is_array() && i < list.size()) v[name] = list[i];
        }
        Json payload =
            b.contains("payloads") && b["payloads"].is_array() && i < b["payloads"].size()
                ? b["payloads"][i]
                : Json();
        points.push_back({{"id", ids[i]}, {"vector", v}, {"payload", payload}});
      }
    } else {
      return Error{400,
                   "Format error in JSON body: data did not match any variant of untagged "
                   "enum PointInsertOperations"};
    }
    for (size_t i = 0; i < points.size(); ++i) {
      const Json& p = points[i];
      if (!p.is_object() || !p.contains("id"))
        return Error{400, "Format error in JSON body: points[" + std::to_string(i) +
                              "]: missing field `id`"};
      if (auto e = checkId(p["id"])) return e;
      if (auto e =
              checkVector(c, p.value("vector", Json()), "points[" + std::to_string(i) + "].vector"))
        return e;
      const Json& payload = p.value("payload", Json());
      if (!payload.is_null() && !payload.is_object())
        return Error{400, "Format error in JSON body: points[" + std::to_string(i) +
                              "].payload: invalid type: expected a map"};
    }
    // update_mode (UpdateMode: upsert, insert_only, update_only) and update_filter: an existing
    // point is replaced only if it passes the filter; new points are inserted regardless.
    const Json mode = body.value("update_mode", Json("upsert"));
    if (!mode.is_null() && mode != "upsert" && mode != "insert_only" && mode != "update_only")
      return Error{400, "Format error in JSON body: update_mode: unknown variant " + mode.dump() +
                            ", expected one of `upsert`, `insert_only`, `update_only`"};
    const Json updateFilter = body.value("update_filter", Json());
    if (auto problem = filterProblem(updateFilter)) return Error{400, *problem};
    for (const auto& p : points) {
      const std::string key = p["id"].dump();
      auto existing = c.points.find(key);
      if (existing != c.points.end()) {
        if (mode == "insert_only") continue;
        if (!updateFilter.is_null() &&
            !matchesFilter(updateFilter, existing->second.id, existing->second.payload,
                           &existing->second.vector))
          continue;
      } else if (mode == "update_only") {
        continue;
      }
      Json payload = p.value("payload", Json());
      c.points[key] = Point{p["id"], p["vector"], payload.is_object() ? payload : Json::object(),
                            ++operationId_};
    }
    return std::nullopt;
  }
  if (op == "delete" || op == "clear_payload") {
    if (auto e = selectorProblem(body, true)) return e;
    for (const auto& key : selectedKeys(c, body, filtered)) {
      if (op == "delete")
        c.points.erase(key);
      else
        c.points[key].payload = Json::object();
    }
    ++operationId_;
    return std::nullopt;
  }
  if (op == "set_payload" || op == "overwrite_payload") {
    if (!body.contains("payload") || !body["payload"].is_object())
      return Error{400, "Format error in JSON body: missing field `payload`"};
    if (auto e = selectorProblem(body, true)) return e;
    if (body.contains("points") && body["points"].is_array())
      for (const auto& id : body["points"])
        if (!c.points.count(id.dump()))
          return Error{404, "Not found: No point with id " +
                                (id.is_string() ? id.get<std::string>() : id.dump()) + " found"};
    const std::string key = body.value("key", "");
    for (const auto& k : selectedKeys(c, body, filtered)) {
      Json& payload = c.points[k].payload;
      if (op == "overwrite_payload") {
        payload = body["payload"];
      } else if (!key.empty()) {  // `key`: set inside a nested object (a top-level key here)
        if (!payload[key].is_object()) payload[key] = Json::object();
        for (const auto& [f, v] : body["payload"].items()) payload[key][f] = v;
      } else {
        for (const auto& [f, v] : body["payload"].items()) payload[f] = v;
      }
    }
    ++operationId_;
    return std::nullopt;
  }
  if (op == "delete_payload") {
    if (!body.contains("keys") || !body["keys"].is_array())
      return Error{400, "Format error in JSON body: missing field `keys`"};
    if (auto e = selectorProblem(body, true)) return e;
    for (const auto& k : selectedKeys(c, body, filtered))
      for (const auto& field : body["keys"])
        if (field.is_string()) c.points[k].payload.erase(field.get<std::string>());
    ++operationId_;
    return std::nullopt;
  }
  if (op == "update_vectors") {
    if (!body.contains("points") || !body["points"].is_array())
      return Error{400, "Format error in JSON body: missing field `points`"};
    if (body["points"].empty())
      return Error{422, "Validation error in JSON body: [points: must not be empty]"};
    for (size_t i = 0; i < body["points"].size(); ++i) {
      const Json& p = body["points"][i];
      if (!p.is_object() || !p.contains("id") || !p.contains("vector"))
        return Error{400, "Format error in JSON body: points[" + std::to_string(i) +
                              "]: missing field `id` or `vector`"};
      if (auto e = checkId(p["id"])) return e;
      if (auto e = checkVector(c, p["vector"], "points[" + std::to_string(i) + "].vector"))
        return e;
      if (!c.points.count(p["id"].dump()))
        return Error{404, "Not found: No point with id " + p["id"].dump() + " found"};
    }
    for (const auto& p : body["points"]) {
      Point& target = c.points[p["id"].dump()];
      // Vectors given replace those of the same name; the others stay (the unnamed one is "").
      Json merged = target.vector.is_array()    ? Json{{"", target.vector}}
                    : target.vector.is_object() ? target.vector
                                                : Json::object();
      const Json given = p["vector"].is_array() ? Json{{"", p["vector"]}} : p["vector"];
      if (given.is_object() && !given.contains("indices"))
        for (const auto& [name, v] : given.items()) merged[name] = v;
      target.vector =
          merged.size() == 1 && merged.contains("") && isDenseParams(c.params["vectors"])
              ? merged[""]
              : merged;
      target.version = ++operationId_;
    }
    return std::nullopt;
  }
  if (op == "delete_vectors") {
    if (!body.contains("vector") || !body["vector"].is_array())
      return Error{400, "Format error in JSON body: missing field `vector`"};
    if (body["vector"].empty())
      return Error{422, "Validation error in JSON body: [vector: must not be empty]"};
    if (auto e = selectorProblem(body, true)) return e;
    const Json& dense = c.params["vectors"];
    const Json sparse = c.params.value("sparse_vectors", Json::object());
    for (const auto& name : body["vector"]) {
      std::string n = name.is_string() ? name.get<std::string>() : name.dump();
      const bool denseName = isDenseParams(dense) ? n.empty() : dense.contains(n);
      if (!denseName && !sparse.contains(n))
        return Error{400, "Wrong input: Not existing vector name error: " + n};
    }
    for (const auto& k : selectedKeys(c, body, filtered))
      for (const auto& name : body["vector"])
        if (c.points[k].vector.is_object())
          c.points[k].vector.erase(name.get<std::string>());
        else if (name == "")
          c.points[k].vector = Json::object();
    ++operationId_;
    return std::nullopt;
  }
  return Error{400, "Format error in JSON body: unknown variant `" + op + "`"};
}

// What a QueryRequest (or a legacy SearchRequest) is refused for before its collection is looked
// up: selectors, filter, and limit / offset / top (usize; limit >= 1).
static std::optional<std::pair<int, std::string>> queryProblem(const Json& body,
                                                               bool legacySearch) {
  if (!body.is_object())
    return std::pair<int, std::string>{
        400, "Format error in JSON body: invalid type: expected struct QueryRequest"};
  if (auto e = checkPayloadSelector(body.value("with_payload", Json()))) return e;
  if (auto e = checkVectorSelector(body.value("with_vector", Json()))) return e;
  if (auto problem = filterProblem(body.value("filter", Json())))
    return std::pair<int, std::string>{400, *problem};
  for (const char* k : {"limit", "offset", "top"})
    if (body.contains(k) && !body[k].is_null() && !body[k].is_number_unsigned())
      return std::pair<int, std::string>{400, std::string("Format error in JSON body: ") + k +
                                                  ": invalid type: " + body[k].dump() +
                                                  ", expected usize"};
  // QueryRequest validates its internal request: the field is named "internal.limit" there.
  if (body.contains("limit") && body["limit"] == 0)
    return std::pair<int, std::string>{422, std::string("Validation error in JSON body: [") +
                                                (legacySearch ? "" : "internal.") +
                                                "limit: value 0 invalid, must be 1 or larger]"};
  if (!legacySearch) {
    const Json query = body.value("query", Json());
    if (body.contains("score_threshold") && !body["score_threshold"].is_null()) {
      if (query.is_null())
        return std::pair<int, std::string>{
            400,
            "Bad request: A query is needed to use the score_threshold. Can't have "
            "score_threshold without defining a query."};
      if (query.is_object() && query.contains("order_by"))
        return std::pair<int, std::string>{
            400, "Bad request: Can't use score_threshold with an order_by query."};
    }
  }
  return std::nullopt;
}

void QdrantPersonality::queryPoints(const httplib::Request& req, httplib::Response& res,
                                    bool legacySearch) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  if (auto e = queryProblem(body, legacySearch)) return fail(res, e->first, e->second);
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(pathName(req), res);
  if (!c) return;
  Json out;
  if (auto e = runQuery(*c, body, legacySearch, &out)) return fail(res, e->first, e->second);
  ok(res, out);
}

// POST /collections/{c}/points/query/batch (QueryRequestBatch) and the legacy
// /points/search/batch (SearchRequestBatch): one answer per search, in order; any refused search
// refuses the whole batch.
void QdrantPersonality::queryBatch(const httplib::Request& req, httplib::Response& res,
                                   bool legacySearch) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  if (!body.contains("searches") || !body["searches"].is_array())
    return fail(res, 400, "Format error in JSON body: missing field `searches`");
  for (auto& search : body["searches"]) {
    if (search.is_object() && search.contains("with_vectors") && !search.contains("with_vector"))
      search["with_vector"] = search["with_vectors"];  // serde's alias, in each search too
    if (auto e = queryProblem(search, legacySearch)) return fail(res, e->first, e->second);
  }
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(pathName(req), res);
  if (!c) return;
  Json results = Json::array();
  for (const auto& search : body["searches"]) {
    Json out;
    if (auto e = runQuery(*c, search, legacySearch, &out)) return fail(res, e->first, e->second);
    results.push_back(out);
  }
  ok(res, results);
}

namespace {

using Hit = QdrantPersonality::Hit;

// A point's vector under `name` ("" is the unnamed default): the plain array of an unnamed
// collection, or the named entry (points may carry only some of their named vectors).
Json vectorNamed(const QdrantPersonality::Point& p, const std::string& name) {
  if (p.vector.is_array()) return name.empty() ? p.vector : Json();
  return p.vector.is_object() ? p.vector.value(name, Json()) : Json();
}

// usize fields of a query (QueryRequest / SearchRequest): null and absent mean the default.
size_t usizeOr(const Json& body, const char* key, size_t fallback) {
  return body.contains(key) && body[key].is_number_unsigned() ? body[key].get<size_t>() : fallback;
}

// common::math: x / (1 + |x|), in (-1, 1); scaled to (0, 1).
double fastSigmoid(double x) { return x / (1.0 + std::fabs(x)); }
double scaledFastSigmoid(double x) { return 0.5 * (fastSigmoid(x) + 1.0); }

bool isPointId(const Json& q) {
  return q.is_number_unsigned() || (q.is_string() && isUuid(q.get<std::string>()));
}

}  // namespace

// The similarity of each candidate to one example (a point id or a vector): its score, with the
// distances of Euclid and Manhattan negated so that larger is closer, as Qdrant's raw scores are.
std::optional<std::pair<int, std::string>> QdrantPersonality::similarities(
    const Collection& c, const Json& example, const std::string& using_,
    const std::vector<const Point*>& candidates, std::map<const Point*, double>* out) {
  std::vector<Hit> scored;
  if (auto e = nearest(c, example, using_, candidates, &scored)) return e;
  const Json& dense = c.params["vectors"];
  const Json params = isDenseParams(dense) ? dense : dense.value(using_, Json::object());
  const std::string distance = params.is_object() ? params.value("distance", "Dot") : "Dot";
  const bool isDistance = distance == "Euclid" || distance == "Manhattan";
  for (const auto& [score, p] : scored) (*out)[p] = isDistance ? -score : score;
  return std::nullopt;
}

// Scores `candidates` by `query` (a dense vector, a sparse one, or a point id whose vector is
// used) under `using_`; best first. mu_ held.
std::optional<std::pair<int, std::string>> QdrantPersonality::nearest(
    const Collection& c, Json query, const std::string& using_,
    const std::vector<const Point*>& candidates, std::vector<Hit>* hits) {
  if (isPointId(query)) {
    auto it = c.points.find(query.dump());
    if (it == c.points.end())
      return Error{404, "Not found: No point with id " +
                            (query.is_string() ? query.get<std::string>() : query.dump()) +
                            " found"};
    query = vectorNamed(it->second, using_);
    if (query.is_null())
      return Error{
          400, "Wrong input: Vector with name `" + using_ + "` is not found in point " + it->first};
  }
  const Json& dense = c.params["vectors"];
  const Json sparse = c.params.value("sparse_vectors", Json::object());
  const bool isSparse = sparse.contains(using_) || (query.is_object() && query.contains("indices"));
  if (isSparse) {
    if (!sparse.contains(using_))
      return Error{400, "Wrong input: Not existing vector name error: " + using_};
    if (auto e = checkSparse(query, "query")) return e;
  }
  const Json params = isSparse               ? Json()
                      : isDenseParams(dense) ? (using_.empty() ? dense : Json())
                                             : dense.value(using_, Json());
  if (!isSparse && params.is_null())
    return Error{400, "Wrong input: Not existing vector name error: " + using_};
  // A multivector field scores by max_sim (MultiVectorConfig's only comparator): for each query
  // row the best-matching stored row, summed. A single dense query is a multivector of one row.
  const bool multi = !isSparse && isMultiParams(params);
  if (multi) {
    const Json rows = isMultiValue(query) ? query : Json::array({query});
    for (const Json& row : rows)
      if (auto e = nearestRowProblem(row, params)) return e;
    const std::string distance = params.value("distance", "Cosine");
    for (const Point* p : candidates) {
      const Json v = vectorNamed(*p, using_);
      if (isMultiValue(v)) hits->emplace_back(maxSim(distance, rows, v), p);
    }
    const bool ascending = distance == "Euclid" || distance == "Manhattan";
    std::stable_sort(hits->begin(), hits->end(), [&](const Hit& a, const Hit& b) {
      return ascending ? a.first < b.first : a.first > b.first;
    });
    return std::nullopt;
  }
  if (!isSparse && isMultiValue(query))
    return Error{400, "Wrong input: Conversion between multi and regular vectors failed"};
  if (!isSparse && (!query.is_array() || query.size() != params.value("size", 0u)))
    return Error{400,
                 "Wrong input: Vector dimension error: expected dim: " + params["size"].dump() +
                     ", got " + std::to_string(query.is_array() ? query.size() : 0)};
  if (!isSparse)
    for (const auto& x : query)
      if (!x.is_number())
        return Error{
            400, "Format error in JSON body: query: invalid type: " + x.dump() + ", expected f32"};
  const std::string distance = isSparse ? "Dot" : params.value("distance", "Cosine");
  for (const Point* p : candidates) {
    const Json v = vectorNamed(*p, using_);
    if (isSparse && v.is_object() && v.contains("indices")) {
      // Only points that share an index with the query are results of a sparse search.
      bool shared = false;
      for (const auto& i : query["indices"])
        for (const auto& j : v["indices"]) shared = shared || i == j;
      if (shared) hits->emplace_back(sparseScore(query, v), p);
    } else if (!isSparse && v.is_array())
      hits->emplace_back(denseScore(distance, query, v), p);
  }
  const bool ascending = distance == "Euclid" || distance == "Manhattan";
  std::stable_sort(hits->begin(), hits->end(), [&](const Hit& a, const Hit& b) {
    return ascending ? a.first < b.first : a.first > b.first;
  });
  return std::nullopt;
}

// One level of the Query API (mu_ held): its prefetches first (each a query of its own, whose
// results are the candidates here), then its query: none (id order, or the prefetches' results),
// a vector, sparse vector or point id (nearest), recommend (average_vector, best_score), fusion
// (rrf with k = 2 as Qdrant's DEFAULT_RRF_K, or dbsf: each list normalised by mean +- 3 sample
// standard deviations, then summed; lib/segment/src/common/{reciprocal_rank_fusion,
// score_fusion}.rs), or order_by on a payload field with a range index.
std::optional<std::pair<int, std::string>> QdrantPersonality::evalQuery(const Collection& c,
                                                                        const Json& body,
                                                                        bool legacySearch,
                                                                        std::vector<Hit>* hits,
                                                                        Json* orderValues) {
  const Json filter = body.value("filter", Json());
  if (auto problem = filterProblem(filter)) return Error{400, *problem};
  Json query = legacySearch ? body.value("vector", Json()) : body.value("query", Json());
  std::string using_ = body.value("using", Json("")).is_string() ? body.value("using", "") : "";
  if (legacySearch && query.is_object() && query.contains("vector")) {
    using_ = query.value("name", "");
    query = query["vector"];
  } else if (legacySearch && !query.is_null() &&
             !(query.is_array() && std::all_of(query.begin(), query.end(),
                                               [](const Json& x) { return x.is_number(); }))) {
    // NamedVectorStruct is a plain vector or {name, vector}; nothing else (a multivector
    // included) deserializes (tests/openapi/test_multi_vector_persistence.py).
    return Error{400,
                 "Format error in JSON body: data did not match any variant of untagged enum "
                 "NamedVectorStruct"};
  }
  // Prefetch: one object or a list; each runs as a query with its own limit (default 10).
  std::vector<std::vector<Hit>> lists;
  Json prefetch = body.value("prefetch", Json());
  if (prefetch.is_object()) prefetch = Json::array({prefetch});
  if (!prefetch.is_null() && !prefetch.is_array())
    return Error{400,
                 "Format error in JSON body: prefetch: data did not match any variant of "
                 "untagged enum PrefetchQuery"};
  for (const auto& pf : prefetch.is_array() ? prefetch : Json::array()) {
    if (!pf.is_object())
      return Error{400,
                   "Format error in JSON body: prefetch: invalid type: expected struct "
                   "Prefetch"};
    std::vector<Hit> sub;
    Json ignored;
    if (auto e = evalQuery(c, pf, false, &sub, &ignored)) return e;
    const size_t limit = usizeOr(pf, "limit", 10);
    if (sub.size() > limit) sub.resize(limit);
    lists.push_back(std::move(sub));
  }
  std::vector<const Point*> candidates;
  if (lists.empty()) {
    candidates = selectPoints(c, filter);
  } else {
    std::set<const Point*> seen;
    for (const auto& l : lists)
      for (const auto& [score, p] : l)
        if (matchesFilter(filter, p->id, p->payload, &p->vector) && seen.insert(p).second)
          candidates.push_back(p);
  }
  Json mmr;  // NearestQuery's optional MMR re-ranking
  if (query.is_object() && query.contains("nearest")) {
    mmr = query.value("mmr", Json());
    query = query["nearest"];
  }

  if (query.is_null() && !lists.empty())
    return Error{400,
                 "Bad request: A query is needed to merge the prefetches. Can't have "
                 "prefetches without defining a query."};
  if (query.is_object() && query.contains("sample")) {
    // {"sample": "random"}: the candidates in a random order.
    if (query["sample"] != "random")
      return Error{400, "Format error in JSON body: query.sample: unknown variant " +
                            query["sample"].dump() + ", expected `random`"};
    static thread_local std::mt19937 rng{std::random_device{}()};
    std::vector<const Point*> shuffled = candidates;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (const Point* p : shuffled) hits->emplace_back(0.0, p);
    return std::nullopt;
  }
  if (query.is_null()) {
    if (!lists.empty()) {  // the prefetches' results, as they came
      for (const Point* p : candidates) {
        double score = 0;
        for (const auto& l : lists)
          for (const auto& h : l)
            if (h.second == p) score = std::max(score, h.first);
        hits->emplace_back(score, p);
      }
      return std::nullopt;
    }
    for (const Point* p : candidates) hits->emplace_back(0.0, p);
    return std::nullopt;
  }
  if (query.is_object() && (query.contains("fusion") || query.contains("rrf"))) {
    const std::string fusion = query.contains("rrf") ? "rrf" : query.value("fusion", "");
    if (fusion != "rrf" && fusion != "dbsf")
      return Error{400, "Format error in JSON body: query.fusion: unknown variant " +
                            query["fusion"].dump() + ", expected `rrf` or `dbsf`"};
    const Json rrf = query.value("rrf", Json::object());
    const size_t k = rrf.is_object() ? usizeOr(rrf, "k", 2) : 2;
    const Json weights = rrf.is_object() ? rrf.value("weights", Json()) : Json();
    if (weights.is_array() && weights.size() != lists.size())
      return Error{400,
                   "Wrong input: Number of weights in RRF should match number of "
                   "pre-fetches: got " +
                       std::to_string(weights.size()) + ", expected " +
                       std::to_string(lists.size())};
    std::map<const Point*, double> fused;
    for (size_t i = 0; i < lists.size(); ++i) {
      const auto& l = lists[i];
      if (fusion == "rrf") {
        const double w =
            weights.is_array() && weights[i].is_number() ? weights[i].get<double>() : 1.0;
        for (size_t pos = 0; pos < l.size(); ++pos)
          fused[l[pos].second] += w <= 0 ? 0 : 1.0 / ((pos + 1) / w + k - 1.0);
        continue;
      }
      // dbsf: a single result normalises to 0.5; equal extremes to 0.5 as well.
      double mean = 0, aggregate = 0;
      for (size_t j = 0; j < l.size(); ++j) {
        const double old = l[j].first - mean;
        mean += old / static_cast<double>(j + 1);
        aggregate += old * (l[j].first - mean);
      }
      const double sd = l.size() > 1 ? std::sqrt(aggregate / static_cast<double>(l.size() - 1)) : 0;
      const double lo = mean - 3 * sd, hi = mean + 3 * sd;
      for (const auto& [score, p] : l)
        fused[p] += (l.size() < 2 || lo == hi) ? 0.5 : (score - lo) / (hi - lo);
    }
    for (const Point* p : candidates)
      if (fused.count(p)) hits->emplace_back(fused[p], p);
    std::stable_sort(hits->begin(), hits->end(),
                     [](const Hit& a, const Hit& b) { return a.first > b.first; });
    return std::nullopt;
  }
  if (query.is_object() && query.contains("order_by")) {
    const Json ob = query["order_by"];
    const std::string key = ob.is_string() ? ob.get<std::string>() : ob.value("key", "");
    const std::string direction = ob.is_object() ? ob.value("direction", "asc") : "asc";
    const Json schema = c.payloadSchema.value(key, Json());
    const std::string type = schema.is_object() ? schema.value("data_type", "") : "";
    if (type != "integer" && type != "float" && type != "datetime")
      return Error{400, "Bad request: No range index for `order_by` key: `" + key +
                            "`. Please create one to use `order_by`. Check "
                            "https://qdrant.tech/documentation/concepts/indexing/#payload-index to "
                            "see which payload schemas support Range conditions"};
    std::vector<std::pair<Json, const Point*>> ordered;
    for (const Point* p : candidates) {
      const Json v = p->payload.value(key, Json());
      for (const auto& x : v.is_array() ? v : Json::array({v}))
        if ((type == "datetime" && x.is_string()) || (type != "datetime" && x.is_number()))
          ordered.emplace_back(x, p);
    }
    std::stable_sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
      const bool less = a.first.is_number()
                            ? a.first.template get<double>() < b.first.template get<double>()
                            : a.first < b.first;
      const bool greater = a.first.is_number()
                               ? a.first.template get<double>() > b.first.template get<double>()
                               : b.first < a.first;
      return direction == "desc" ? greater : less;
    });
    for (const auto& [value, p] : ordered) {
      hits->emplace_back(0.0, p);
      orderValues->push_back(value);
    }
    return std::nullopt;
  }
  if (query.is_object() && query.contains("recommend")) {
    const Json r = query["recommend"];
    const std::string strategy = r.value("strategy", Json("average_vector")).is_string()
                                     ? r.value("strategy", "average_vector")
                                     : "average_vector";
    std::set<const Point*> examples;
    auto resolveAll = [&](const char* side, std::vector<Json>* out) -> std::optional<Error> {
      for (const auto& ex : r.value(side, Json::array())) {
        if (isPointId(ex)) {
          auto it = c.points.find(ex.dump());
          if (it == c.points.end())
            return Error{404, "Not found: No point with id " +
                                  (ex.is_string() ? ex.get<std::string>() : ex.dump()) + " found"};
          examples.insert(&it->second);
          out->push_back(vectorNamed(it->second, using_));
        } else {
          out->push_back(ex);
        }
      }
      return std::nullopt;
    };
    std::vector<Json> positive, negative;
    if (auto e = resolveAll("positive", &positive)) return e;
    if (auto e = resolveAll("negative", &negative)) return e;
    std::vector<const Point*> pool;
    for (const Point* p : candidates)
      if (!examples.count(p)) pool.push_back(p);  // the examples are not their own results
    if (strategy == "average_vector") {
      if (positive.empty())
        return Error{400,
                     "Wrong input: Positive vectors should not be empty with `average` strategy"};
      auto average = [](const std::vector<Json>& vs) {
        Json avg = Json::array();
        for (size_t i = 0; !vs.empty() && vs[0].is_array() && i < vs[0].size(); ++i) {
          double sum = 0;
          for (const auto& v : vs)
            sum += v.is_array() && i < v.size() && v[i].is_number() ? v[i].get<double>() : 0;
          avg.push_back(sum / static_cast<double>(vs.size()));
        }
        return avg;
      };
      Json target = average(positive);
      if (!negative.empty()) {
        const Json neg = average(negative);
        for (size_t i = 0; i < target.size() && i < neg.size(); ++i)
          target[i] = 2 * target[i].get<double>() - neg[i].get<double>();
      }
      return nearest(c, target, using_, pool, hits);
    }
    if (strategy != "best_score" && strategy != "sum_scores")
      return Error{400, "Format error in JSON body: query.recommend.strategy: unknown variant " +
                            r["strategy"].dump() +
                            ", expected one of `average_vector`, `best_score`, `sum_scores`"};
    // reco_query.rs: best_score is scaled_fast_sigmoid of the best similarity to a positive
    // when it beats the best to a negative, else minus that of the best to a negative;
    // sum_scores is the positives' similarities minus the negatives'.
    std::map<const Point*, double> bestPos, bestNeg, sum;
    for (const auto& [examplesOf, sign] : {std::pair{&positive, 1.0}, std::pair{&negative, -1.0}})
      for (const auto& ex : *examplesOf) {
        std::map<const Point*, double> sim;
        if (auto e = similarities(c, ex, using_, pool, &sim)) return e;
        for (const auto& [p, score] : sim) {
          auto& best = sign > 0 ? bestPos : bestNeg;
          best[p] = best.count(p) ? std::max(best[p], score) : score;
          sum[p] += sign * score;
        }
      }
    for (const Point* p : pool) {
      if (!sum.count(p)) continue;
      double score = sum[p];
      if (strategy == "best_score") {
        const bool pos = bestPos.count(p), neg = bestNeg.count(p);
        score = pos && (!neg || bestPos[p] > bestNeg[p]) ? scaledFastSigmoid(bestPos[p])
                                                         : -scaledFastSigmoid(bestNeg[p]);
      }
      hits->emplace_back(score, p);
    }
    std::stable_sort(hits->begin(), hits->end(),
                     [](const Hit& a, const Hit& b) { return a.first > b.first; });
    return std::nullopt;
  }
  if (query.is_object() && (query.contains("discover") || query.contains("context"))) {
    // context_query.rs: the sum over pairs of fast_sigmoid(min(sim(positive) - sim(negative) -
    // epsilon, 0)); discovery_query.rs: the number of pairs whose positive is closer, minus the
    // others, plus 0.5 * (fast_sigmoid(sim(target)) + 1). Examples are ids or vectors.
    const bool discover = query.contains("discover");
    const Json spec = discover ? query["discover"] : Json{{"context", query["context"]}};
    Json pairs = spec.is_object() ? spec.value("context", Json()) : Json();
    if (pairs.is_object()) pairs = Json::array({pairs});
    if (!pairs.is_array() || (discover && !spec.contains("target")))
      return Error{400,
                   "Format error in JSON body: query: data did not match any variant of "
                   "untagged enum QueryInterface"};
    std::set<const Point*> examples;
    auto exampleOf = [&](const Json& ex) {
      if (isPointId(ex))
        if (auto it = c.points.find(ex.dump()); it != c.points.end()) examples.insert(&it->second);
    };
    for (const auto& pair : pairs) {
      if (!pair.is_object() || !pair.contains("positive") || !pair.contains("negative"))
        return Error{400,
                     "Format error in JSON body: query.context: missing field `positive` "
                     "or `negative`"};
      exampleOf(pair["positive"]);
      exampleOf(pair["negative"]);
    }
    if (discover) exampleOf(spec["target"]);
    std::vector<const Point*> pool;
    for (const Point* p : candidates)
      if (!examples.count(p)) pool.push_back(p);
    std::map<const Point*, double> score;
    std::set<const Point*> scorable;  // those that carry the vector the examples are compared in
    {
      std::map<const Point*, double> probe;
      const Json first = discover ? spec["target"] : pairs.empty() ? Json() : pairs[0]["positive"];
      if (!first.is_null())
        if (auto e = similarities(c, first, using_, pool, &probe)) return e;
      for (const auto& [p, s] : probe) scorable.insert(p);
    }
    for (const Point* p : pool) score[p] = 0;
    for (const auto& pair : pairs) {
      std::map<const Point*, double> pos, neg;
      if (auto e = similarities(c, pair["positive"], using_, pool, &pos)) return e;
      if (auto e = similarities(c, pair["negative"], using_, pool, &neg)) return e;
      for (const Point* p : pool) {
        const double d = pos[p] - neg[p];
        score[p] += discover ? (d > 0 ? 1 : -1) : fastSigmoid(std::min(d - 1.1920929e-07, 0.0));
      }
    }
    if (discover) {
      std::map<const Point*, double> target;
      if (auto e = similarities(c, spec["target"], using_, pool, &target)) return e;
      for (const Point* p : pool) score[p] += 0.5 * (fastSigmoid(target[p]) + 1);
    }
    for (const Point* p : pool)
      if (scorable.count(p)) hits->emplace_back(score[p], p);
    std::stable_sort(hits->begin(), hits->end(),
                     [](const Hit& a, const Hit& b) { return a.first > b.first; });
    return std::nullopt;
  }
  if (query.is_object() && !query.contains("indices") &&
      !(query.contains("nearest") || query.empty()))
    return Error{400,
                 "Format error in JSON body: query: data did not match any variant of "
                 "untagged enum QueryInterface"};
  if (mmr.is_null()) return nearest(c, query, using_, candidates, hits);
  return maximalMarginalRelevance(c, query, mmr, using_, usizeOr(body, "limit", 10), candidates,
                                  hits);
}

// NearestQuery with `mmr` (lib/collection/src/collection/mmr/mod.rs): the `candidates_limit`
// nearest (the query's limit when unset), then, first the most relevant, each next one the best
// by lambda * relevance - (1 - lambda) * its highest similarity to those already chosen, with
// lambda = 1 - diversity (0.5 when unset). Points keep their query score, as Qdrant's do; fewer
// than two candidates are returned as they are.
std::optional<std::pair<int, std::string>> QdrantPersonality::maximalMarginalRelevance(
    const Collection& c, const Json& query, const Json& mmr, const std::string& using_,
    size_t limit, const std::vector<const Point*>& candidates, std::vector<Hit>* hits) {
  if (!mmr.is_object())
    return Error{400, "Format error in JSON body: query.mmr: invalid type: " + mmr.dump() +
                          ", expected struct Mmr"};
  const Json diversity = mmr.value("diversity", Json());
  if (!diversity.is_null() && !diversity.is_number())
    return Error{400, "Format error in JSON body: query.mmr.diversity: invalid type: " +
                          diversity.dump() + ", expected f32"};
  if (diversity.is_number() && (diversity.get<double>() < 0 || diversity.get<double>() > 1))
    return Error{422, "Validation error in JSON body: [query.mmr.diversity: value " +
                          diversity.dump() + " invalid, must be from 0 to 1]"};
  const Json candidatesLimit = mmr.value("candidates_limit", Json());
  if (!candidatesLimit.is_null() && !candidatesLimit.is_number_unsigned())
    return Error{400, "Format error in JSON body: query.mmr.candidates_limit: invalid value: " +
                          candidatesLimit.dump() + ", expected usize"};
  if (candidatesLimit.is_number_unsigned() && candidatesLimit.get<uint64_t>() > 16384)
    return Error{422, "Validation error in JSON body: [query.mmr.candidates_limit: value " +
                          candidatesLimit.dump() + " invalid, must be 16384 or smaller]"};
  const double lambda = 1.0 - (diversity.is_number() ? diversity.get<double>() : 0.5);
  std::vector<Hit> nearestHits;
  if (auto e = nearest(c, query, using_, candidates, &nearestHits)) return e;
  const size_t pool = candidatesLimit.is_number_unsigned() ? candidatesLimit.get<size_t>() : limit;
  if (nearestHits.size() > pool) nearestHits.resize(pool);
  if (nearestHits.size() < 2) {
    *hits = std::move(nearestHits);
    return std::nullopt;
  }
  std::vector<const Point*> points;
  for (const auto& [score, p] : nearestHits) points.push_back(p);
  std::map<const Point*, double> relevance;
  if (auto e = similarities(c, query, using_, points, &relevance)) return e;
  std::map<const Point*, std::map<const Point*, double>> between;
  for (const Point* p : points)
    if (auto e = similarities(c, vectorNamed(*p, using_), using_, points, &between[p])) return e;
  std::vector<size_t> remaining(nearestHits.size());
  for (size_t i = 0; i < remaining.size(); ++i) remaining[i] = i;
  std::vector<size_t> chosen;
  while (chosen.size() < limit && !remaining.empty()) {
    size_t bestAt = 0;
    double best = 0;
    for (size_t k = 0; k < remaining.size(); ++k) {
      const Point* p = nearestHits[remaining[k]].second;
      double value = relevance[p];
      if (!chosen.empty()) {
        double closest = -std::numeric_limits<double>::infinity();
        for (size_t i : chosen) closest = std::max(closest, between[nearestHits[i].second][p]);
        value = lambda * relevance[p] - (1 - lambda) * closest;
      }
      if (k == 0 || value > best) {
        best = value;
        bestAt = k;
      }
    }
    chosen.push_back(remaining[bestAt]);
    remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(bestAt));
  }
  for (size_t i : chosen) hits->push_back(nearestHits[i]);
  return std::nullopt;
}

// One QueryRequest (or legacy SearchRequest) on `c` (mu_ held): evalQuery's ranking, then the
// score threshold, offset and limit (null or absent: 10), and each point as a ScoredPoint with
// its selected payload and vectors (an order_by query gives each its order_value).
std::optional<std::pair<int, std::string>> QdrantPersonality::runQuery(const Collection& coll,
                                                                       const Json& body,
                                                                       bool legacySearch,
                                                                       Json* result) {
  std::vector<Hit> hits;
  Json orderValues = Json::array();
  if (auto e = evalQuery(coll, body, legacySearch, &hits, &orderValues)) return e;
  const size_t limit = usizeOr(body, "limit", legacySearch ? usizeOr(body, "top", 10) : 10);
  const size_t offset = usizeOr(body, "offset", 0);
  const Json& dense = coll.params["vectors"];
  std::string distance = "Dot";
  if (isDenseParams(dense)) distance = dense.value("distance", "Cosine");
  const bool ascending = distance == "Euclid" || distance == "Manhattan";
  const Json threshold = body.value("score_threshold", Json());
  Json out = Json::array();
  size_t skipped = 0;
  for (size_t i = 0; i < hits.size(); ++i) {
    const auto& [score, p] = hits[i];
    if (threshold.is_number() &&
        (ascending ? score > threshold.get<double>() : score < threshold.get<double>()))
      continue;
    if (skipped++ < offset) continue;
    if (out.size() == limit) break;
    Json sp = {{"id", p->id}, {"version", p->version}, {"score", score}};
    Json payload = selectPayload(p->payload, body.value("with_payload", Json()), false);
    if (!payload.is_null()) sp["payload"] = payload;
    Json vector = selectVector(outputVector(p->vector), body.value("with_vector", Json()), false);
    if (!vector.is_null()) sp["vector"] = vector;
    if (i < orderValues.size()) sp["order_value"] = orderValues[i];
    out.push_back(sp);
  }
  *result = legacySearch ? out : Json{{"points", out}};
  return std::nullopt;
}

// The points of `c` that pass `filter`, in Qdrant's id order. mu_ must be held.
std::vector<const QdrantPersonality::Point*> QdrantPersonality::selectPoints(const Collection& c,
                                                                             const Json& filter) {
  std::vector<const Point*> out;
  for (const auto& [key, p] : c.points)
    if (matchesFilter(filter, p.id, p.payload, &p.vector)) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](const Point* a, const Point* b) { return pointIdLess(a->id, b->id); });
  return out;
}

// POST /collections/{c}/points/scroll (ScrollRequest): filter, `offset` (the first id to return,
// inclusive), `limit` (default 10), with_payload (default true), with_vector (default false);
// `next_page_offset` is the id after the page, or null at the end.
void QdrantPersonality::scrollPoints(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  Json filter = body.value("filter", Json());
  if (auto problem = filterProblem(filter)) return fail(res, 400, *problem);
  if (auto e = checkPayloadSelector(body.value("with_payload", Json())))
    return fail(res, e->first, e->second);
  if (auto e = checkVectorSelector(body.value("with_vector", Json())))
    return fail(res, e->first, e->second);
  if (body.contains("limit") && !body["limit"].is_null() && !body["limit"].is_number_unsigned())
    return fail(res, 400,
                "Format error in JSON body: limit: invalid type: " + body["limit"].dump() +
                    ", expected usize");
  if (body.contains("limit") && body["limit"] == 0)
    return fail(res, 422,
                "Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]");
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(pathName(req), res);
  if (!c) return;
  size_t limit = body.value("limit", Json(10)).is_number_unsigned() ? body.value("limit", 10) : 10;
  Json offset = body.value("offset", Json());
  Json points = Json::array();
  Json next = nullptr;
  // order_by: the points by a range-indexed payload field, as the Query API's order_by orders
  // them; such a scroll has no next page offset (start_from pages instead).
  if (body.contains("order_by") && !body["order_by"].is_null()) {
    std::vector<Hit> hits;
    Json orderValues = Json::array();
    if (auto e = evalQuery(*c, {{"query", {{"order_by", body["order_by"]}}}, {"filter", filter}},
                           false, &hits, &orderValues))
      return fail(res, e->first, e->second);
    for (size_t i = 0; i < hits.size() && points.size() < limit; ++i) {
      Json r = record(*hits[i].second, body.value("with_payload", Json()),
                      body.value("with_vector", Json()), true, false);
      if (i < orderValues.size()) r["order_value"] = orderValues[i];
      points.push_back(r);
    }
    return ok(res, {{"points", points}, {"next_page_offset", nullptr}});
  }
  for (const Point* p : selectPoints(*c, filter)) {
    if (!offset.is_null() && pointIdLess(p->id, offset)) continue;
    if (points.size() == limit) {
      next = p->id;
      break;
    }
    points.push_back(record(*p, body.value("with_payload", Json()),
                            body.value("with_vector", Json()), true, false));
  }
  ok(res, {{"points", points}, {"next_page_offset", next}});
}

// The legacy explore endpoints (/points/recommend, /points/discover and their batches, still
// served by v1.19): each request is the Query API's recommend / discover / context query with the
// same filter, limit, offset, selectors, threshold and `using`; the answer is its list of points.
static Json asQuery(const Json& body, const std::string& kind) {
  Json q = Json::object();
  for (const char* k : {"filter", "limit", "offset", "with_payload", "with_vector",
                        "score_threshold", "using", "params"})
    if (body.contains(k)) q[k] = body[k];
  if (kind == "recommend")
    q["query"] = {{"recommend",
                   {{"positive", body.value("positive", Json::array())},
                    {"negative", body.value("negative", Json::array())},
                    {"strategy", body.value("strategy", Json("average_vector"))}}}};
  else if (body.contains("target") && !body["target"].is_null())
    q["query"] = {
        {"discover",
         {{"target", body["target"]}, {"context", body.value("context", Json::array())}}}};
  else
    q["query"] = {{"context", body.value("context", Json::array())}};
  return q;
}

void QdrantPersonality::explorePoints(const httplib::Request& req, httplib::Response& res,
                                      const std::string& kind, bool batch) {
  Json body;
  if (!parseBody(req, res, &body)) return;
  if (batch && (!body.contains("searches") || !body["searches"].is_array()))
    return fail(res, 400, "Format error in JSON body: missing field `searches`");
  const Json requests = batch ? body["searches"] : Json::array({body});
  for (const auto& r : requests) {
    if (!r.is_object())
      return fail(res, 400, "Format error in JSON body: invalid type: expected a map");
    if (auto e = queryProblem(r, true)) return fail(res, e->first, e->second);
  }
  std::lock_guard<std::mutex> lock(mu_);
  Collection* c = resolve(pathName(req), res);
  if (!c) return;
  Json results = Json::array();
  for (const auto& r : requests) {
    Json out;
    if (auto e = runQuery(*c, asQuery(r, kind), false, &out)) return fail(res, e->first, e->second);
    results.push_back(out["points"]);
  }
  ok(res, batch ? results : results[0]);
}

void QdrantPersonality::installPoints(httplib::Server& s) {
  const std::string points = "/collections/{collection_name}/points";
  // One update operation per route, under the body's own name for it in /points/batch.
  auto update = [this](const std::string& op) {
    return [this, op](const httplib::Request& req, httplib::Response& res) {
      Json body;
      if (!parseBody(req, res, &body)) return;
      std::lock_guard<std::mutex> lock(mu_);
      Collection* c = resolve(pathName(req), res);
      if (!c) return;
      if (auto e = applyUpdate(*c, op, body)) return fail(res, e->first, e->second);
      ok(res, updateResult(operationId_, req));
    };
  };
  s.Put("/collections/([^/]+)/points", counted("PUT", points, update("upsert")));
  s.Post("/collections/([^/]+)/points/delete",
         counted("POST", points + "/delete", update("delete")));
  s.Post("/collections/([^/]+)/points/payload",
         counted("POST", points + "/payload", update("set_payload")));
  s.Put("/collections/([^/]+)/points/payload",
        counted("PUT", points + "/payload", update("overwrite_payload")));
  s.Post("/collections/([^/]+)/points/payload/delete",
         counted("POST", points + "/payload/delete", update("delete_payload")));
  s.Post("/collections/([^/]+)/points/payload/clear",
         counted("POST", points + "/payload/clear", update("clear_payload")));
  s.Put("/collections/([^/]+)/points/vectors",
        counted("PUT", points + "/vectors", update("update_vectors")));
  s.Post("/collections/([^/]+)/points/vectors/delete",
         counted("POST", points + "/vectors/delete", update("delete_vectors")));
  // UpdateOperations: {"operations": [{"upsert": {...}}, {"delete": {...}}, ...]}, applied in
  // order; the result is one UpdateResult per operation.
  s.Post("/collections/([^/]+)/points/batch",
         counted("POST", points + "/batch",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   Json body;
                   if (!parseBody(req, res, &body)) return;
                   if (!body.contains("operations") || !body["operations"].is_array())
                     return fail(res, 400, "Format error in JSON body: missing field `operations`");
                   for (const auto& op : body["operations"])
                     if (!op.is_object() || op.size() != 1 || !op.begin().value().is_object())
                       return fail(res, 400,
                                   "Format error in JSON body: operations: data did not match "
                                   "any variant of untagged enum UpdateOperation");
                   std::lock_guard<std::mutex> lock(mu_);
                   Collection* c = resolve(pathName(req), res);
                   if (!c) return;
                   Json results = Json::array();
                   for (const auto& op : body["operations"]) {
                     if (auto e = applyUpdate(*c, op.begin().key(), op.begin().value()))
                       return fail(res, e->first, e->second);
                     results.push_back(updateResult(operationId_, req));
                   }
                   ok(res, results);
                 }));
  // GET /collections/{c}/points/{id}: one Record with its payload and vectors, or 404.
  s.Get("/collections/([^/]+)/points/([^/]+)",
        [this](const httplib::Request& req, httplib::Response& res) {
          Json id = idFromPath(pathSecond(req));
          if (auto e = checkId(id))
            return fail(res, 422,
                        "Validation error in path parameters: [id: " + pathSecond(req) +
                            " is not a valid point ID]");
          std::lock_guard<std::mutex> lock(mu_);
          Collection* c = resolve(pathName(req), res);
          if (!c) return;
          auto it = c->points.find(id.dump());
          if (it == c->points.end())
            return fail(res, 404, "Not found: No point with id " + pathSecond(req) + " found");
          ok(res, record(it->second, Json(), Json(), true, true));
        });
  // POST /collections/{c}/points (PointRequest): the Records of `ids` that exist, in that order;
  // with_payload defaults to true, with_vector to false.
  s.Post("/collections/([^/]+)/points",
         counted("POST", points, [this](const httplib::Request& req, httplib::Response& res) {
           Json body;
           if (!parseBody(req, res, &body)) return;
           if (!body.contains("ids") || !body["ids"].is_array())
             return fail(res, 400, "Format error in JSON body: missing field `ids`");
           for (const auto& id : body["ids"])
             if (auto e = checkId(id)) return fail(res, e->first, e->second);
           if (auto e = checkPayloadSelector(body.value("with_payload", Json())))
             return fail(res, e->first, e->second);
           if (auto e = checkVectorSelector(body.value("with_vector", Json())))
             return fail(res, e->first, e->second);
           std::lock_guard<std::mutex> lock(mu_);
           Collection* c = resolve(pathName(req), res);
           if (!c) return;
           Json out = Json::array();
           for (const auto& id : body["ids"]) {
             auto it = c->points.find(id.dump());
             if (it != c->points.end())
               out.push_back(record(it->second, body.value("with_payload", Json()),
                                    body.value("with_vector", Json()), true, false));
           }
           ok(res, out);
         }));
  s.Post(
      "/collections/([^/]+)/points/query",
      counted("POST", points + "/query", [this](const httplib::Request& q, httplib::Response& r) {
        queryPoints(q, r, false);
      }));
  s.Post("/collections/([^/]+)/points/query/batch",
         counted(
             "POST", points + "/query/batch",
             [this](const httplib::Request& q, httplib::Response& r) { queryBatch(q, r, false); }));
  s.Post(
      "/collections/([^/]+)/points/search",
      counted("POST", points + "/search", [this](const httplib::Request& q, httplib::Response& r) {
        queryPoints(q, r, true);
      }));
  for (const std::string kind : {"recommend", "discover"}) {
    s.Post("/collections/([^/]+)/points/" + kind,
           counted("POST", points + "/" + kind,
                   [this, kind](const httplib::Request& q, httplib::Response& r) {
                     explorePoints(q, r, kind, false);
                   }));
    s.Post("/collections/([^/]+)/points/" + kind + "/batch",
           counted("POST", points + "/" + kind + "/batch",
                   [this, kind](const httplib::Request& q, httplib::Response& r) {
                     explorePoints(q, r, kind, true);
                   }));
  }
  // SearchRequestBatch: {"searches": [SearchRequest]}, a list of results per search.
  s.Post(
      "/collections/([^/]+)/points/search/batch",
      counted("POST", points + "/search/batch",
              [this](const httplib::Request& q, httplib::Response& r) { queryBatch(q, r, true); }));
  s.Post("/collections/([^/]+)/points/scroll",
         counted("POST", points + "/scroll",
                 [this](const httplib::Request& q, httplib::Response& r) { scrollPoints(q, r); }));
  // CountRequest: filter, exact (the simulator always counts exactly).
  s.Post(
      "/collections/([^/]+)/points/count",
      counted(
          "POST", points + "/count", [this](const httplib::Request& req, httplib::Response& res) {
            Json body;
            if (!parseBody(req, res, &body)) return;
            Json filter = body.value("filter", Json());
            if (auto problem = filterProblem(filter)) return fail(res, 400, *problem);
            if (body.contains("exact") && !body["exact"].is_null() && !body["exact"].is_boolean())
              return fail(res, 400,
                          "Format error in JSON body: exact: invalid type: " +
                              body["exact"].dump() + ", expected a boolean");
            std::lock_guard<std::mutex> lock(mu_);
            if (Collection* c = resolve(pathName(req), res))
              ok(res, {{"count", selectPoints(*c, filter).size()}});
          }));
}

}  // namespace hxsim
