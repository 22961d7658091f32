// GET /telemetry as a single Qdrant node answers it, level by level. Shapes: the OpenAPI
// document's TelemetryData and the structs behind it (lib/collection/src/telemetry.rs,
// lib/collection/src/shards/telemetry.rs: fields that are None at a level are left out, as serde's
// skip_serializing_if does); which keys each level carries: tests/openapi/test_service.py
// (test_telemetry_detail). Request statistics are the REST responses hx-sim counted, keyed
// "METHOD /route/template" and then by status, as actix's match pattern names them.
#include <unistd.h>

#include <fstream>
#include <map>

#include "qdrant_personality.h"

namespace hxsim {

namespace {

Json durationStatistics(const QdrantPersonality::ResponseStats& s, unsigned level) {
  Json out = {{"count", s.count},
              {"avg_duration_micros", s.count ? s.totalMicros / static_cast<double>(s.count) : 0.0},
              {"min_duration_micros", s.minMicros},
              {"max_duration_micros", s.maxMicros},
              {"total_duration_micros", static_cast<uint64_t>(s.totalMicros)}};
  // Qdrant reports when an endpoint last answered from level 1 on.
  if (level >= 1) out["last_responded"] = s.lastResponded;
  return out;
}

Json responsesTable(
    const std::map<QdrantPersonality::ResponseKey, QdrantPersonality::ResponseStats>& counts,
    unsigned level) {
  Json out = Json::object();
  for (const auto& [key, stats] : counts)
    out[std::get<0>(key) + " " + std::get<1>(key)][std::to_string(std::get<2>(key))] =
        durationStatistics(stats, level);
  return out;
}

// The process's resident set from /proc/self/statm (jemalloc's figures on the real server).
Json memoryTelemetry() {
  uint64_t size = 0, resident = 0;
  std::ifstream statm("/proc/self/statm");
  statm >> size >> resident;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return {{"active_bytes", resident * page},
          {"allocated_bytes", resident * page},
          {"metadata_bytes", 0},
          {"resident_bytes", resident * page},
          {"retained_bytes", size * page}};
}

// Dense vector names of a collection's params: "" for the unnamed vector.
std::map<std::string, Json> denseParams(const Json& params) {
  std::map<std::string, Json> out;
  const Json vectors = params.value("vectors", Json::object());
  if (vectors.contains("size")) {
    out[""] = vectors;
  } else if (vectors.is_object()) {
    for (const auto& [name, p] : vectors.items()) out[name] = p;
  }
  return out;
}

}  // namespace

Json QdrantPersonality::telemetry(unsigned level, bool perCollection) {
  Json requests;
  {
    std::lock_guard<std::mutex> lock(metricsMu_);
    Json rest = {{"responses", responsesTable(responses_, level)}};
    if (perCollection) {
      Json byCollection = Json::object();
      for (const auto& [name, counts] : collectionResponses_)
        byCollection[name] = responsesTable(counts, level);
      rest["per_collection_responses"] = byCollection;
    }
    requests = {{"rest", rest}, {"grpc", {{"responses", Json::object()}}}};
  }
  std::lock_guard<std::mutex> lock(mu_);
  Json out = {{"id", "9a3c1f52-5d1e-4c7b-8f0e-00000000c0fe"},
              {"app",
               {{"name", "qdrant"},
                {"version", "1.19.0"},
                {"startup", "2026-01-01T00:00:00Z"},
                {"jwt_rbac", jwtRbac_ && !apiKey_.empty()}}},
              {"collections", {{"number_of_collections", collections_.size()}}},
              {"cluster", {{"enabled", false}}},
              {"requests", requests}};
  if (level == 0) return out;

  out["memory"] = memoryTelemetry();
  out["hardware"] = {{"collection_data", Json::object()}};
  Json list = Json::array();
  for (const auto& [name, c] : collections_) {
    uint64_t vectors = 0, vectorBytes = 0, payloadBytes = 0;
    for (const auto& [id, p] : c.points) {
      payloadBytes += p.payload.dump().size();
      if (p.vector.is_array()) {
        ++vectors;
        vectorBytes += p.vector.size() * 4;
      } else if (p.vector.is_object()) {
        for (const auto& [vname, v] : p.vector.items()) {
          ++vectors;
          vectorBytes += (v.is_array() ? v.size() : v.value("values", Json::array()).size()) * 4;
        }
      }
    }
    if (level == 1) {  // CollectionsAggregatedTelemetry
      list.push_back({{"vectors", vectors}, {"optimizers_status", "ok"}, {"params", c.params}});
      continue;
    }
    Json config = {{"params", c.params},
                   {"hnsw_config", c.hnsw},
                   {"optimizer_config", c.optimizer},
                   {"wal_config", c.wal}};
    if (!c.quantization.is_null()) config["quantization_config"] = c.quantization;
    if (!c.strictMode.is_null()) config["strict_mode_config"] = c.strictMode;
    if (!c.metadata.is_null()) config["metadata"] = c.metadata;
    Json collection = {{"id", name}, {"init_time_ms", 3}, {"config", config}};
    if (level >= 3) {
      Json local = {{"variant_name", "local"},
                    {"status", "green"},
                    {"total_optimized_points", 0},
                    {"vectors_size_bytes", vectorBytes},
                    {"payloads_size_bytes", payloadBytes},
                    {"num_points", c.points.size()},
                    {"num_vectors", vectors},
                    {"optimizations",
                     {{"status", "ok"}, {"optimizations", {{"count", 0}}}, {"log", Json::array()}}},
                    {"async_scorer", false}};
      if (level >= 4) {
        std::map<std::string, uint64_t> stored;  // dense vector name -> points that have it
        for (const auto& [pid, p] : c.points) {
          if (p.vector.is_array()) ++stored[""];
          if (p.vector.is_object())
            for (const auto& [vname, v] : p.vector.items()) ++stored[vname];
        }
        Json vectorData = Json::object(), info = Json::object();
        const bool onDisk = c.params.value("on_disk_payload", true);
        for (const auto& [vname, p] : denseParams(c.params)) {
          vectorData[vname] = {
              {"size", p.value("size", 0)},
              {"distance", p.value("distance", "Cosine")},
              {"storage_type", p.value("on_disk", false) ? "ChunkedMmap" : "InRamChunkedMmap"},
              {"index", {{"type", "plain"}, {"options", Json::object()}}}};
          info[vname] = {{"num_vectors", stored[vname]},
                         {"num_indexed_vectors", 0},
                         {"num_deleted_vectors", 0}};
        }
        Json sparseData = Json::object();
        const Json sparse = c.params.value("sparse_vectors", Json::object());
        for (const auto& [sname, sp] : sparse.items())
          sparseData[sname] = {{"index", {{"index_type", "MutableRam"}}}, {"storage_type", "mmap"}};
        Json indexSchema = Json::object();
        for (const auto& [field, s] : c.payloadSchema.items()) {
          Json entry = s;
          entry["points"] = 0;
          indexSchema[field] = entry;
        }
        Json segmentConfig = {
            {"vector_data", vectorData},
            {"payload_storage_type", {{"type", onDisk ? "mmap" : "in_ram_mmap"}}}};
        if (!sparseData.empty()) segmentConfig["sparse_vector_data"] = sparseData;
        local["segments"] = Json::array({{{"info",
                                           {{"uuid", "00000000-0000-4000-8000-000000000001"},
                                            {"segment_type", "plain"},
                                            {"num_vectors", vectors},
                                            {"num_points", c.points.size()},
                                            {"num_indexed_vectors", 0},
                                            {"num_deleted_vectors", 0},
                                            {"vectors_size_bytes", vectorBytes},
                                            {"payloads_size_bytes", payloadBytes},
                                            {"ram_usage_bytes", vectorBytes + payloadBytes},
                                            {"disk_usage_bytes", vectorBytes + payloadBytes},
                                            {"is_appendable", true},
                                            {"index_schema", indexSchema},
                                            {"vector_data", info}}},
                                          {"config", segmentConfig},
                                          {"vector_index_searches", Json::array()},
                                          {"payload_field_indices", Json::array()}}});
      }
      collection["shards"] = Json::array({{{"id", 0},
                                           {"key", nullptr},
                                           {"local", local},
                                           {"remote", Json::array()},
                                           {"replicate_states", {{"5349219452406457", "Active"}}},
                                           {"partial_snapshot",
                                            {{"ongoing_create_snapshot_requests", 0},
                                             {"is_recovering", false},
                                             {"recovery_timestamp", 0}}}}});
      collection["transfers"] = Json::array();
      collection["resharding"] = Json::array();
    }
    list.push_back(collection);
  }
  out["collections"]["collections"] = list;
  return out;
}

}  // namespace hxsim
