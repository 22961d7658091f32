#include "qdrant_schema.h"

#include <algorithm>
#include <vector>

namespace hxsim {

namespace {

enum class Type { kUint, kDouble, kBool, kEnum, kStruct, kMap, kObject, kThreads, kAny };

// One field of a request schema. `serde` names the Rust type in serde's messages ("usize").
struct Rule {
  const char* name;
  Type type;
  const char* serde = "";
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
  const std::vector<Rule>* fields = nullptr;  // kStruct, and kMap's values
  std::vector<const char*> variants = {};     // kEnum
};

Rule uint(const char* name, const char* serde = "usize", std::optional<double> min = std::nullopt,
          std::optional<double> max = std::nullopt) {
  return {name, Type::kUint, serde, min, max};
}
Rule boolean(const char* name) { return {name, Type::kBool, "a boolean"}; }
Rule number(const char* name, std::optional<double> min = std::nullopt,
            std::optional<double> max = std::nullopt) {
  return {name, Type::kDouble, "f64", min, max};
}
Rule oneOf(const char* name, std::vector<const char*> variants) {
  return {name, Type::kEnum, "", std::nullopt, std::nullopt, nullptr, std::move(variants)};
}
Rule object(const char* name, const char* serde, const std::vector<Rule>* fields) {
  return {name, Type::kStruct, serde, std::nullopt, std::nullopt, fields};
}
Rule any(const char* name) { return {name, Type::kAny}; }

// components.schemas.HnswConfigDiff
const std::vector<Rule> kHnsw = {uint("m", "usize", 0),
                                 uint("ef_construct", "usize", 4),
                                 uint("full_scan_threshold", "usize", 10),
                                 uint("max_indexing_threads", "usize", 0),
                                 boolean("on_disk"),
                                 uint("payload_m", "usize", 0),
                                 boolean("inline_storage"),
                                 any("memory")};
// components.schemas.WalConfigDiff
const std::vector<Rule> kWal = {uint("wal_capacity_mb", "usize", 1),
                                uint("wal_segments_ahead", "usize", 0),
                                uint("wal_retain_closed", "usize", 0)};
// components.schemas.OptimizersConfigDiff
const std::vector<Rule> kOptimizers = {number("deleted_threshold", 0, 1),
                                       uint("vacuum_min_vector_number", "usize", 100),
                                       uint("default_segment_number", "usize", 0),
                                       uint("max_segment_size", "usize", 1),
                                       uint("memmap_threshold", "usize", 0),
                                       uint("indexing_threshold", "usize", 0),
                                       uint("flush_interval_sec", "u64", 0),
                                       {"max_optimization_threads", Type::kThreads, "usize"},
                                       boolean("prevent_unoptimized")};
const std::vector<const char*> kDatatypes = {"float32", "uint8", "float16", "turbo4"};
// components.schemas.SparseIndexParams
const std::vector<Rule> kSparseIndex = {uint("full_scan_threshold", "usize", 0), boolean("on_disk"),
                                        oneOf("datatype", kDatatypes), any("memory")};
// components.schemas.SparseVectorParams
const std::vector<Rule> kSparseVector = {object("index", "struct SparseIndexParams", &kSparseIndex),
                                         oneOf("modifier", {"none", "idf"})};
// components.schemas.StrictModeConfig
const std::vector<Rule> kStrictMode = {boolean("enabled"),
                                       uint("max_query_limit", "usize", 1),
                                       uint("max_timeout", "usize", 1),
                                       boolean("unindexed_filtering_retrieve"),
                                       boolean("unindexed_filtering_update"),
                                       uint("search_max_hnsw_ef", "usize", 0),
                                       boolean("search_allow_exact"),
                                       number("search_max_oversampling"),
                                       uint("upsert_max_batchsize", "usize", 0),
                                       uint("search_max_batchsize", "usize", 0),
                                       uint("max_collection_vector_size_bytes", "usize", 0),
                                       uint("read_rate_limit", "usize", 1),
                                       uint("write_rate_limit", "usize", 1),
                                       uint("max_collection_payload_size_bytes", "usize", 0),
                                       uint("max_points_count", "usize", 1),
                                       uint("filter_max_conditions", "usize", 0),
                                       uint("condition_max_size", "usize", 0),
                                       any("multivector_config"),
                                       any("sparse_config"),
                                       uint("max_payload_index_count", "usize", 0),
                                       uint("max_resident_memory_percent", "u8", 1, 100)};
// components.schemas.VectorParams (size's range: Qdrant's validator, 1..=65536)
const std::vector<Rule> kVectorParams = {
    uint("size", "u64", 1, 65536),
    oneOf("distance", {"Cosine", "Euclid", "Dot", "Manhattan"}),
    object("hnsw_config", "struct HnswConfigDiff", &kHnsw),
    any("quantization_config"),
    boolean("on_disk"),
    oneOf("datatype", kDatatypes),
    any("multivector_config"),
    any("memory")};
// components.schemas.VectorParamsDiff
const std::vector<Rule> kVectorParamsDiff = {object("hnsw_config", "struct HnswConfigDiff", &kHnsw),
                                             any("quantization_config"), boolean("on_disk"),
                                             any("memory")};
// components.schemas.CollectionParamsDiff
const std::vector<Rule> kParamsDiff = {uint("replication_factor", "u32", 1),
                                       uint("write_consistency_factor", "u32", 1),
                                       uint("read_fan_out_factor", "u32", 0),
                                       uint("read_fan_out_delay_ms", "u64", 0),
                                       boolean("on_disk_payload"),
                                       any("payload")};

Rule sparseVectors() {
  return {"sparse_vectors", Type::kMap,   "struct SparseVectorParams",
          std::nullopt,     std::nullopt, &kSparseVector};
}

// components.schemas.CreateCollection (vectors are checked on their own: single or named)
const std::vector<Rule> kCreate = {
    uint("shard_number", "u32", 1),
    oneOf("sharding_method", {"auto", "custom"}),
    uint("replication_factor", "u32", 1),
    uint("write_consistency_factor", "u32", 1),
    boolean("on_disk_payload"),
    any("payload"),
    object("hnsw_config", "struct HnswConfigDiff", &kHnsw),
    object("wal_config", "struct WalConfigDiff", &kWal),
    object("optimizers_config", "struct OptimizersConfigDiff", &kOptimizers),
    object("optimizer_config", "struct OptimizersConfigDiff", &kOptimizers),
    any("quantization_config"),
    sparseVectors(),
    object("strict_mode_config", "struct StrictModeConfig", &kStrictMode),
    {"metadata", Type::kObject, "a map"}};
// components.schemas.UpdateCollection (vectors: a map of VectorParamsDiff)
const std::vector<Rule> kUpdate = {
    {"vectors", Type::kMap, "struct VectorParamsDiff", std::nullopt, std::nullopt,
     &kVectorParamsDiff},
    object("optimizers_config", "struct OptimizersConfigDiff", &kOptimizers),
    object("params", "struct CollectionParamsDiff", &kParamsDiff),
    object("hnsw_config", "struct HnswConfigDiff", &kHnsw),
    any("quantization_config"),
    sparseVectors(),
    object("strict_mode_config", "struct StrictModeConfig", &kStrictMode),
    {"metadata", Type::kObject, "a map"}};

// serde's words for the value it met ("string \"x\"", "integer `-5`").
std::string unexpected(const Json& v) {
  if (v.is_string()) return "string " + v.dump();
  if (v.is_boolean()) return std::string("boolean `") + (v.get<bool>() ? "true" : "false") + "`";
  if (v.is_number_float()) return "floating point `" + v.dump() + "`";
  if (v.is_number()) return "integer `" + v.dump() + "`";
  if (v.is_array()) return "sequence";
  if (v.is_object()) return "map";
  return "null";
}

std::string rangeText(const Rule& r) {
  auto show = [](double d) {
    Json j = d == static_cast<double>(static_cast<long long>(d)) ? Json(static_cast<long long>(d))
                                                                 : Json(d);
    return j.dump();
  };
  if (r.min && r.max) return "must be from " + show(*r.min) + " to " + show(*r.max);
  if (r.min) return "must be " + show(*r.min) + " or larger";
  return "must be " + show(*r.max) + " or smaller";
}

class Checker {
 public:
  void value(const Json& v, const Rule& r, const std::string& path) {
    if (format_ || v.is_null()) return;  // serde stops at its first error; null is None
    switch (r.type) {
      case Type::kUint:
        if (!v.is_number_integer())
          return typeError(path, "invalid type: " + unexpected(v) + ", expected " + r.serde);
        if (v.is_number_integer() && !v.is_number_unsigned() && v.get<long long>() < 0)
          return typeError(path, "invalid value: " + unexpected(v) + ", expected " + r.serde);
        return range(v.get<double>(), v, r, path);
      case Type::kDouble:
        if (!v.is_number())
          return typeError(path, "invalid type: " + unexpected(v) + ", expected f64");
        return range(v.get<double>(), v, r, path);
      case Type::kBool:
        if (!v.is_boolean())
          return typeError(path, "invalid type: " + unexpected(v) + ", expected a boolean");
        return;
      case Type::kEnum: {
        if (v.is_string())
          for (const char* variant : r.variants)
            if (v == variant) return;
        std::string expected;
        for (const char* variant : r.variants)
          expected += std::string(expected.empty() ? "" : ", ") + "`" + variant + "`";
        if (!v.is_string())
          return typeError(path,
                           "invalid type: " + unexpected(v) + ", expected one of " + expected);
        return typeError(
            path, "unknown variant `" + v.get<std::string>() + "`, expected one of " + expected);
      }
      case Type::kThreads:  // MaxOptimizationThreads: "auto" or an unsigned integer
        if (v == "auto") return;
        if (!v.is_number_unsigned())
          return typeError(
              path, "invalid type: " + unexpected(v) + ", expected a positive integer or \"auto\"");
        return;
      case Type::kObject:
        if (!v.is_object())
          return typeError(path, "invalid type: " + unexpected(v) + ", expected " + r.serde);
        return;
      case Type::kStruct:
        if (!v.is_object())
          return typeError(path, "invalid type: " + unexpected(v) + ", expected " + r.serde);
        fields(v, *r.fields, path + ".");
        return;
      case Type::kMap:
        if (!v.is_object())
          return typeError(path, "invalid type: " + unexpected(v) + ", expected a map");
        for (const auto& [key, entry] : v.items()) {
          if (entry.is_null()) continue;
          if (!entry.is_object())
            return typeError(path + "." + key,
                             "invalid type: " + unexpected(entry) + ", expected " + r.serde);
          fields(entry, *r.fields, path + "." + key + ".");
        }
        return;
      case Type::kAny:
        return;
    }
  }

  void fields(const Json& object, const std::vector<Rule>& rules, const std::string& prefix) {
    for (const Rule& r : rules)
      if (object.contains(r.name)) value(object[r.name], r, prefix + r.name);
  }

  void vectorParams(const Json& v, const std::string& path) {
    if (format_) return;
    if (!v.is_object())
      return typeError(path, "invalid type: " + unexpected(v) + ", expected struct VectorParams");
    for (const char* required : {"size", "distance"})
      if (!v.contains(required) || v[required].is_null())
        return typeError(path, std::string("missing field `") + required + "`");
    fields(v, kVectorParams, path + ".");
  }

  std::optional<ApiError> result() const {
    if (format_) return format_;
    if (ranges_.empty()) return std::nullopt;
    std::string all;
    for (const auto& r : ranges_) all += (all.empty() ? "" : "; ") + r;
    return ApiError{422, "Validation error in JSON body: [" + all + "]"};
  }

 private:
  void typeError(const std::string& path, const std::string& what) {
    if (!format_) format_ = ApiError{400, "Format error in JSON body: " + path + ": " + what};
  }
  void range(double d, const Json& v, const Rule& r, const std::string& path) {
    if ((r.min && d < *r.min) || (r.max && d > *r.max))
      ranges_.push_back(path + ": value " + v.dump() + " invalid, " + rangeText(r));
  }

  std::optional<ApiError> format_;
  std::vector<std::string> ranges_;
};

}  // namespace

std::optional<ApiError> checkCreateCollection(const Json& body) {
  Checker c;
  if (body.contains("vectors") && !body["vectors"].is_null()) {
    const Json& vectors = body["vectors"];
    if (vectors.is_object() && (vectors.contains("size") || vectors.contains("distance"))) {
      c.vectorParams(vectors, "vectors");
    } else if (vectors.is_object()) {
      for (const auto& [name, params] : vectors.items()) c.vectorParams(params, "vectors." + name);
    } else {
      c.vectorParams(vectors, "vectors");
    }
  }
  c.fields(body, kCreate, "");
  return c.result();
}

std::optional<ApiError> checkUpdateCollection(const Json& body) {
  Checker c;
  c.fields(body, kUpdate, "");
  return c.result();
}

std::optional<ApiError> checkCreateIndex(const Json& body) {
  static const std::vector<const char*> kTypes = {"keyword", "integer", "float",    "geo",
                                                  "text",    "bool",    "datetime", "uuid"};
  if (!body.contains("field_name") || !body["field_name"].is_string())
    return ApiError{400, "Format error in JSON body: missing field `field_name`"};
  const Json schema = body.value("field_schema", Json());
  if (schema.is_null()) return std::nullopt;  // the handler's "can't auto-detect" 400
  const Json type = schema.is_object() ? schema.value("type", Json()) : schema;
  const bool known = type.is_string() && std::find(kTypes.begin(), kTypes.end(),
                                                   type.get<std::string>()) != kTypes.end();
  if (!known)
    return ApiError{400,
                    "Format error in JSON body: field_schema: data did not match any variant "
                    "of untagged enum PayloadFieldSchema"};
  if (schema.is_object() && type == "integer" && schema.value("lookup", Json()) == false &&
      schema.value("range", Json()) == false)
    return ApiError{422,
                    "Validation error in JSON body: [field_schema.lookup: the 'lookup' and "
                    "'range' capabilities can't be both disabled]"};
  return std::nullopt;
}

std::optional<ApiError> checkQueryParams(const std::multimap<std::string, std::string>& params) {
  auto timeout = params.find("timeout");
  if (timeout != params.end()) {
    const std::string& t = timeout->second;
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
      return ApiError{400, "Query deserialize error: invalid digit found in string"};
    if (t.find_first_not_of('0') == std::string::npos)
      return ApiError{422,
                      "Validation error in query parameters: [timeout: value 0 invalid, must "
                      "be 1 or larger]"};
  }
  auto wait = params.find("wait");
  if (wait != params.end() && wait->second != "true" && wait->second != "false")
    return ApiError{400, "Query deserialize error: provided string was not `true` or `false`"};
  return std::nullopt;
}

Json defaultHnsw() {
  return {{"m", 16},
          {"ef_construct", 100},
          {"full_scan_threshold", 10000},
          {"max_indexing_threads", 0},
          {"on_disk", false}};
}

Json defaultOptimizers() {
  return {{"deleted_threshold", 0.2},      {"vacuum_min_vector_number", 1000},
          {"default_segment_number", 0},   {"max_segment_size", nullptr},
          {"memmap_threshold", nullptr},   {"indexing_threshold", 10000},
          {"flush_interval_sec", 5},       {"max_optimization_threads", nullptr},
          {"prevent_unoptimized", nullptr}};
}

Json defaultWal() {
  return {{"wal_capacity_mb", 32}, {"wal_segments_ahead", 0}, {"wal_retain_closed", 1}};
}

Json applyDiff(Json current, const Json& diff) {
  if (!current.is_object()) current = Json::object();
  if (!diff.is_object()) return current;
  for (const auto& [k, v] : diff.items())
    if (!v.is_null()) current[k] = v;
  return current;
}

Json mergeMetadata(Json current, const Json& patch) {
  if (!current.is_object()) current = Json::object();
  if (!patch.is_object()) return current;
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null())
      current.erase(k);
    else
      current[k] = v;
  }
  return current;
}

Json withoutNulls(const Json& value) {
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [k, v] : value.items())
    if (!v.is_null()) out[k] = withoutNulls(v);
  return out;
}

}  // namespace hxsim
