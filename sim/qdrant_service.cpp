// Qdrant's service endpoints on a single node (src/actix/api/{service_api,cluster_api}.rs;
// shapes from the OpenAPI document): /telemetry, /metrics, /issues, /cluster, and a collection's
// /cluster and /optimizations.
#include "qdrant_personality.h"
#include "qdrant_reply.h"

namespace hxsim {

using namespace qdrant;

namespace {

constexpr uint64_t kPeerId = 5349219452406457ull;  // a single node's peer id (any u64)

std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void QdrantPersonality::installService(httplib::Server& s) {
  // GET /telemetry (src/actix/api/service_api.rs): details_level (0 by default) and
  // per_collection are read as serde reads a query (a non-number is a 400); the shape for each
  // level is in qdrant_telemetry.cpp.
  s.Get("/telemetry", [this](const httplib::Request& req, httplib::Response& res) {
    unsigned level = 0;
    if (req.has_param("details_level")) {
      const std::string v = req.get_param_value("details_level");
      if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
        fail(res, 400, "Query deserialize error: invalid digit found in string");
        return;
      }
      level = static_cast<unsigned>(std::stoul(v));
    }
    bool perCollection = false;
    if (req.has_param("per_collection")) {
      const std::string v = req.get_param_value("per_collection");
      if (v != "true" && v != "false") {
        fail(res, 400, "Query deserialize error: provided string was not `true` or `false`");
        return;
      }
      perCollection = v == "true";
    }
    ok(res, telemetry(level, perCollection));
  });
  // GET /cluster on a single node: consensus is off (ClusterStatus "disabled").
  s.Get("/cluster", [](const httplib::Request&, httplib::Response& res) {
    ok(res, {{"status", "disabled"}});
  });
  // GET /issues: the performance issues Qdrant detected (none here); DELETE clears them.
  s.Get("/issues", [](const httplib::Request&, httplib::Response& res) {
    ok(res, {{"issues", Json::array()}});
  });
  s.Delete("/issues", [](const httplib::Request&, httplib::Response& res) { ok(res, true); });
  // GET /collections/{c}/cluster (CollectionClusterInfo): one local shard holding every point.
  s.Get("/collections/([^/]+)/cluster",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          Collection* c = resolve(pathName(req), res);
          if (!c) return;
          ok(res, {{"peer_id", kPeerId},
                   {"shard_count", 1},
                   {"local_shards",
                    {{{"shard_id", 0}, {"points_count", c->points.size()}, {"state", "Active"}}}},
                   {"remote_shards", Json::array()},
                   {"shard_transfers", Json::array()}});
        });
  // POST /collections/{c}/cluster: shard moves and replication need distributed mode, which a
  // single node does not run (StorageError::BadRequest, lib/storage/src/content_manager/errors.rs).
  s.Post("/collections/([^/]+)/cluster",
         [this](const httplib::Request& req, httplib::Response& res) {
           Json body;
           if (!parseBody(req, res, &body)) return;
           std::lock_guard<std::mutex> lock(mu_);
           if (!resolve(pathName(req), res)) return;
           fail(res, 400, "Bad request: Distributed mode disabled");
         });
  // GET /collections/{c}/optimizations (OptimizationsResponse): nothing runs or waits, the
  // optimizer being instant here; `?with=` adds the optional lists, empty.
  s.Get("/collections/([^/]+)/optimizations",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          Collection* c = resolve(pathName(req), res);
          if (!c) return;
          Json out = {{"summary",
                       {{"queued_optimizations", 0},
                        {"queued_segments", 0},
                        {"queued_points", 0},
                        {"idle_segments", 2}}},
                      {"running", Json::array()}};
          const std::string with = req.has_param("with") ? req.get_param_value("with") : "";
          for (const char* list : {"queued", "completed", "idle_segments"})
            if (with.find(list) != std::string::npos) out[list] = Json::array();
          ok(res, out);
        });
  // GET /metrics (Prometheus text; src/common/metrics/{app,collections,requests}.rs): app_info,
  // collections_total, collections_vector_total, collection_points{id},
  // collection_vectors{collection,vector}, and rest_responses_total{method,endpoint,status} for
  // the whitelisted REST endpoints. ?per_collection=true labels those by collection instead.
  s.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const bool perCollection =
        req.has_param("per_collection") && req.get_param_value("per_collection") == "true";
    std::string out =
        "# HELP app_info information about qdrant server\n# TYPE app_info gauge\n"
        "app_info{name=\"qdrant\",version=\"1.19.0\"} 1\n";
    {
      std::lock_guard<std::mutex> lock(mu_);
      out +=
          "# HELP collections_total number of collections\n# TYPE collections_total gauge\n"
          "collections_total " +
          std::to_string(collections_.size()) + "\n";
      std::string points, vectors;
      uint64_t total = 0;
      for (const auto& [name, c] : collections_) {
        points += "collection_points{id=\"" + label(name) + "\"} " +
                  std::to_string(c.points.size()) + "\n";
        std::map<std::string, uint64_t> byName;
        for (const auto& [id, p] : c.points) {
          if (p.vector.is_array()) ++byName[""];
          if (p.vector.is_object())
            for (const auto& [vname, v] : p.vector.items()) ++byName[vname];
        }
        for (const auto& [vname, n] : byName) {
          vectors += "collection_vectors{collection=\"" + label(name) + "\",vector=\"" +
                     label(vname) + "\"} " + std::to_string(n) + "\n";
          total += n;
        }
      }
      out +=
          "# HELP collections_vector_total total number of vectors in all collections\n"
          "# TYPE collections_vector_total gauge\ncollections_vector_total " +
          std::to_string(total) + "\n";
      out +=
          "# HELP collection_vectors amount of vectors grouped by vector name\n"
          "# TYPE collection_vectors gauge\n" +
          vectors;
      out +=
          "# HELP collection_points approximate amount of points per collection\n"
          "# TYPE collection_points gauge\n" +
          points;
    }
    std::lock_guard<std::mutex> lock(metricsMu_);
    out +=
        "# HELP rest_responses_total total number of responses\n"
        "# TYPE rest_responses_total counter\n";
    auto line = [&](const ResponseKey& key, const ResponseStats& stats,
                    const std::string& collection) {
      const uint64_t n = stats.count;
      out += "rest_responses_total{method=\"" + std::get<0>(key) + "\",endpoint=\"" +
             std::get<1>(key) + "\",status=\"" + std::to_string(std::get<2>(key)) + "\"" +
             (collection.empty() ? "" : ",collection=\"" + label(collection) + "\"") + "} " +
             std::to_string(n) + "\n";
    };
    if (perCollection) {
      for (const auto& [collection, counts] : collectionResponses_)
        for (const auto& [key, n] : counts) line(key, n, collection);
    } else {
      for (const auto& [key, n] : responses_) line(key, n, "");
    }
    text(res, 200, out);
  });
}

}  // namespace hxsim
