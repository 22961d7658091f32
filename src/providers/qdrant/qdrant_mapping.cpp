#include "src/providers/qdrant/qdrant_mapping.h"

#include <algorithm>

#include "src/providers/json_read.h"

namespace hx::qdrant {

std::string toSnake(const std::string& camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string toCamel(const std::string& snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(c)) : c;
    upper = false;
  }
  return out;
}

namespace {

Json withoutNulls(const Json& v) {
  if (!v.is_object()) return v;
  Json out = Json::object();
  for (const auto& [k, child] : v.items())
    if (!child.is_null()) out[k] = withoutNulls(child);
  return out;
}

Json keysTo(const Json& v, std::string (*convert)(const std::string&)) {
  if (!v.is_object()) return v;
  Json out = Json::object();
  for (const auto& [k, child] : v.items()) out[convert(k)] = keysTo(child, convert);
  return out;
}

Json quantizationOut(const Json& q) {
  if (q.contains("disabled")) return nullptr;
  return keysTo(q, toSnake);
}

Json vectorParamsOut(const Json& v) {
  Json out = {{"size", v["size"]}, {"distance", v["distance"]}};
  if (v.contains("onDisk")) out["on_disk"] = v["onDisk"];
  if (v.contains("datatype")) out["datatype"] = v["datatype"];
  if (v.contains("hnsw")) out["hnsw_config"] = keysTo(v["hnsw"], toSnake);
  if (v.contains("quantization") && !v["quantization"].contains("disabled"))
    out["quantization_config"] = quantizationOut(v["quantization"]);
  return out;
}

Json vectorParamsIn(const Json& v) {
  Json out = {{"size", jread::integerOr(v, "size", 0)},
              {"distance", jread::textOr(v, "distance", "")}};
  if (v.contains("on_disk")) out["onDisk"] = v["on_disk"];
  if (v.contains("datatype")) out["datatype"] = v["datatype"];
  if (v.contains("hnsw_config")) out["hnsw"] = keysTo(v["hnsw_config"], toCamel);
  out["quantization"] = v.contains("quantization_config") && !v["quantization_config"].is_null()
                            ? keysTo(v["quantization_config"], toCamel)
                            : Json{{"disabled", true}};
  return out;
}

bool isSingle(const Json& vectors) { return vectors.is_object() && vectors.contains("size"); }

// The metadata keys a create sets: the declared ones that are not null (null means "absent").
Json metadataOut(const Json& metadata) {
  Json out = Json::object();
  for (const auto& [k, v] : metadata.items())
    if (!v.is_null()) out[k] = v;
  return out;
}

}  // namespace

Json createBody(const Json& spec) {
  Json body = Json::object();
  const Json& vectors = spec["vectors"];
  if (isSingle(vectors)) {
    body["vectors"] = vectorParamsOut(vectors);
  } else {
    body["vectors"] = Json::object();
    for (const auto& [name, params] : vectors.items())
      body["vectors"][name] = vectorParamsOut(params);
  }
  if (spec.contains("hnsw")) body["hnsw_config"] = keysTo(spec["hnsw"], toSnake);
  if (spec.contains("optimizers")) body["optimizers_config"] = keysTo(spec["optimizers"], toSnake);
  if (spec.contains("quantization") && !spec["quantization"].contains("disabled"))
    body["quantization_config"] = quantizationOut(spec["quantization"]);
  if (spec.contains("onDiskPayload")) body["on_disk_payload"] = spec["onDiskPayload"];
  if (spec.contains("shardNumber")) body["shard_number"] = spec["shardNumber"];
  if (spec.contains("replicationFactor")) body["replication_factor"] = spec["replicationFactor"];
  if (spec.contains("sparseVectors")) {
    body["sparse_vectors"] = Json::object();
    for (const auto& [name, params] : spec["sparseVectors"].items())
      body["sparse_vectors"][name] = sparseVector(params);
  }
  if (spec.contains("strictMode")) body["strict_mode_config"] = keysTo(spec["strictMode"], toSnake);
  if (spec.contains("metadata") && !metadataOut(spec["metadata"]).empty())
    body["metadata"] = metadataOut(spec["metadata"]);
  return body;
}

Json patchBody(const Json& spec, const std::vector<std::string>& changedPaths) {
  Json body = Json::object();
  auto changed = [&](const std::string& prefix) {
    return std::any_of(changedPaths.begin(), changedPaths.end(), [&](const std::string& p) {
      return p == prefix || p.rfind(prefix + ".", 0) == 0;
    });
  };
  if (changed("hnsw")) body["hnsw_config"] = keysTo(spec["hnsw"], toSnake);
  if (changed("optimizers")) body["optimizers_config"] = keysTo(spec["optimizers"], toSnake);
  if (changed("quantization"))
    body["quantization_config"] = spec["quantization"].contains("disabled")
                                      ? Json("Disabled")
                                      : quantizationOut(spec["quantization"]);
  if (changed("onDiskPayload")) body["params"]["on_disk_payload"] = spec["onDiskPayload"];
  if (changed("replicationFactor"))
    body["params"]["replication_factor"] = spec["replicationFactor"];
  // A *Diff merges: only what changed is sent. Metadata keys that changed go with their new value,
  // null removing a key (Qdrant's metadata merge).
  if (changed("strictMode")) body["strict_mode_config"] = keysTo(spec["strictMode"], toSnake);
  if (spec.contains("metadata"))
    for (const auto& [k, v] : spec["metadata"].items())
      if (changed("metadata." + k)) body["metadata"][k] = v;
  if (spec.contains("sparseVectors"))
    for (const auto& [name, params] : spec["sparseVectors"].items())
      if (changed("sparseVectors." + name)) body["sparse_vectors"][name] = sparseVector(params);
  const Json& vectors = spec["vectors"];
  auto vectorDiff = [&](const std::string& prefix, const std::string& key, const Json& v) {
    Json diff = Json::object();
    if (changed(prefix + ".hnsw")) diff["hnsw_config"] = keysTo(v["hnsw"], toSnake);
    if (changed(prefix + ".quantization"))
      diff["quantization_config"] = v["quantization"].contains("disabled")
                                        ? Json("Disabled")
                                        : quantizationOut(v["quantization"]);
    if (changed(prefix + ".onDisk")) diff["on_disk"] = v["onDisk"];
    if (!diff.empty()) body["vectors"][key] = diff;
  };
  if (isSingle(vectors))
    vectorDiff("vectors", "", vectors);
  else
    for (const auto& [name, v] : vectors.items()) vectorDiff("vectors." + name, name, v);
  return body;
}

Result<Json> observedFields(const Json& info, const std::vector<std::string>& aliases,
                            const std::string& server) {
  // The parts the comparison stands on must have their documented shape (CollectionInfo in
  // Qdrant's OpenAPI document); anything else is an answer hxctl cannot observe from.
  auto shapeError = [](const std::string& field, const Json* v, const char* want) {
    return Status::error(ErrorKind::kUnavailable, "the collection info's `" + field + "` is " +
                                                      jread::describe(v) + ", not " + want);
  };
  const Json* config = jread::field(info, "config");
  if (!config || !config->is_object()) return shapeError("config", config, "an object");
  const Json* params = jread::field(*config, "params");
  if (!params || !params->is_object()) return shapeError("config.params", params, "an object");
  const Json* vectorsField = jread::field(*params, "vectors");
  if (vectorsField && !vectorsField->is_object())
    return shapeError("config.params.vectors", vectorsField, "an object");
  const Json vectors = vectorsField ? *vectorsField : Json::object();
  Json out = Json::object();
  out["server"] = server;
  if (isSingle(vectors)) {
    out["vectors"] = vectorParamsIn(vectors);
  } else {
    out["vectors"] = Json::object();
    for (const auto& [name, v] : vectors.items()) {
      if (!v.is_object()) return shapeError("config.params.vectors." + name, &v, "an object");
      out["vectors"][name] = vectorParamsIn(v);
    }
  }
  const Json& c = *config;
  if (c.contains("hnsw_config")) out["hnsw"] = keysTo(c["hnsw_config"], toCamel);
  if (c.contains("optimizer_config")) out["optimizers"] = keysTo(c["optimizer_config"], toCamel);
  out["quantization"] = c.contains("quantization_config") && !c["quantization_config"].is_null()
                            ? keysTo(c["quantization_config"], toCamel)
                            : Json{{"disabled", true}};
  const Json& p = *params;
  if (p.contains("on_disk_payload")) out["onDiskPayload"] = p["on_disk_payload"];
  if (p.contains("shard_number")) out["shardNumber"] = p["shard_number"];
  if (p.contains("replication_factor")) out["replicationFactor"] = p["replication_factor"];
  out["sparseVectors"] = Json::object();
  if (const Json* sparse = jread::field(p, "sparse_vectors"); sparse && sparse->is_object())
    for (const auto& [name, v] : sparse->items())
      out["sparseVectors"][name] =
          v.is_object() ? keysTo(withoutNulls(v), toCamel) : Json::object();
  const Json* strict = jread::field(c, "strict_mode_config");
  out["strictMode"] =
      strict && strict->is_object() ? keysTo(withoutNulls(*strict), toCamel) : Json::object();
  const Json* metadata = jread::field(c, "metadata");
  out["metadata"] = metadata && metadata->is_object() ? *metadata : Json::object();
  Json indexes = Json::array();
  const Json& schemas = jread::object(info, "payload_schema");
  for (auto it = schemas.begin(); it != schemas.end(); ++it)
    indexes.push_back({{"field", it.key()}, {"type", jread::textOr(it.value(), "data_type", "")}});
  out["payloadIndexes"] = indexes;
  std::vector<std::string> sorted = aliases;
  std::sort(sorted.begin(), sorted.end());
  out["aliases"] = sorted;
  out["status"] = jread::textOr(info, "status", "");
  return out;
}

Json sparseVector(const Json& v) {
  Json out = Json::object();
  if (v.contains("modifier")) out["modifier"] = v["modifier"];
  if (v.contains("index")) out["index"] = keysTo(v["index"], toSnake);
  return out;
}

Json denseVector(const Json& v) {
  Json out = {{"size", v["size"]}, {"distance", v["distance"]}};
  if (v.contains("datatype")) out["datatype"] = v["datatype"];
  return out;
}

}  // namespace hx::qdrant
