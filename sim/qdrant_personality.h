// Answers like Qdrant v1.19's REST API: collections (config validated and defaulted as Qdrant
// does, sparse vectors, strict mode, metadata), aliases, payload indexes, named vectors, points
// (upsert, retrieve, query, scroll, count, delete, payload and vector updates, batches), the
// service endpoints (/telemetry, /metrics, /issues, /cluster). Facts: Qdrant's
// lib/api/src/rest/schema.rs and its OpenAPI document (tests/conformance/qdrant).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "qdrant_auth.h"
#include "sim_host.h"

namespace hxsim {

class QdrantPersonality : public Personality {
 public:
  QdrantPersonality(std::string apiKey, std::string readOnlyKey, bool jwtRbac, bool cors = true)
      : apiKey_(std::move(apiKey)),
        readOnlyKey_(std::move(readOnlyKey)),
        jwtRbac_(jwtRbac),
        cors_(cors) {}
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override;
  void internalError(httplib::Response& res) const override;
  void handlerThrew(const std::exception& e, httplib::Response& res) const override;
  bool authorize(const httplib::Request& req, httplib::Response& res) override;

  struct Point {
    Json id;
    Json vector;  // a dense array (the unnamed vector), or name -> dense array | sparse {indices,
                  // values}
    Json payload = Json::object();
    uint64_t version = 0;
  };
  struct Collection {
    Json params;
    Json hnsw;
    Json optimizer;
    Json quantization;  // null when unset
    Json wal;
    Json strictMode;                      // null when unset (omitted from the info)
    Json metadata;                        // null when unset (omitted from the info)
    Json payloadSchema = Json::object();  // field -> {data_type, params?}
    std::map<std::string, Point> points;  // by id.dump()
  };

 private:
  std::optional<Refusal> valueExists(const Json& claim);
  bool authorizeKey(const httplib::Request& req, httplib::Response& res);
  // Resolves a collection name or alias; fills a 404 when missing. mu_ must be held.
  Collection* resolve(const std::string& name, httplib::Response& res);
  Json info(const Collection& c) const;

  void createCollection(const httplib::Request& req, httplib::Response& res);
  void updateCollection(const httplib::Request& req, httplib::Response& res);
  void updateAliases(const httplib::Request& req, httplib::Response& res);
  void createIndex(const httplib::Request& req, httplib::Response& res);
  void installPoints(httplib::Server& s);  // qdrant_points.cpp
  void installService(httplib::Server& s);
  void queryPoints(const httplib::Request& req, httplib::Response& res, bool legacySearch);
  void queryBatch(const httplib::Request& req, httplib::Response& res, bool legacySearch);
  // The legacy /points/recommend and /points/discover (and /batch), through the Query API.
  void explorePoints(const httplib::Request& req, httplib::Response& res, const std::string& kind,
                     bool batch);
  std::optional<std::pair<int, std::string>> runQuery(const Collection& c, const Json& body,
                                                      bool legacySearch, Json* result);
  void scrollPoints(const httplib::Request& req, httplib::Response& res);
  // One update operation of /points/batch (and of each single-operation route): its name
  // ("upsert", "set_payload", ...) and body. mu_ must be held. Returns the error, if any.
  std::optional<std::pair<int, std::string>> applyUpdate(Collection& c, const std::string& op,
                                                         const Json& body);
  std::vector<const Point*> selectPoints(const Collection& c, const Json& filter);

 public:
  using Hit = std::pair<double, const Point*>;
  // Qdrant's OperationDurationStatistics for one (method, endpoint, status).
  struct ResponseStats {
    uint64_t count = 0;
    double totalMicros = 0, minMicros = 0, maxMicros = 0;
    std::string lastResponded;  // RFC 3339, UTC
  };
  using ResponseKey = std::tuple<std::string, std::string, int>;  // method, endpoint, status

 private:
  std::optional<std::pair<int, std::string>> evalQuery(const Collection& c, const Json& body,
                                                       bool legacySearch, std::vector<Hit>* hits,
                                                       Json* orderValues);
  std::optional<std::pair<int, std::string>> similarities(
      const Collection& c, const Json& example, const std::string& using_,
      const std::vector<const Point*>& candidates, std::map<const Point*, double>* out);
  std::optional<std::pair<int, std::string>> maximalMarginalRelevance(
      const Collection& c, const Json& query, const Json& mmr, const std::string& using_,
      size_t limit, const std::vector<const Point*>& candidates, std::vector<Hit>* hits);
  std::optional<std::pair<int, std::string>> nearest(const Collection& c, Json query,
                                                     const std::string& using_,
                                                     const std::vector<const Point*>& candidates,
                                                     std::vector<Hit>* hits);
  // Counts an answer for /metrics (rest_responses_total) and /telemetry, under its route
  // template, with the time the handler took.
  void countResponse(const std::string& method, const std::string& endpoint,
                     const std::string& collection, int status, double micros);
  // GET /telemetry's result at `level` (qdrant_telemetry.cpp). mu_ and metricsMu_ not held.
  Json telemetry(unsigned level, bool perCollection);
  // A handler that is counted for /metrics under `endpoint` (a route template).
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  Handler counted(const std::string& method, const std::string& endpoint, Handler handler);

  std::string apiKey_, readOnlyKey_;
  bool jwtRbac_ = false;
  bool cors_ = true;
  // CORS as Qdrant's actix middleware answers it; true when it answered (a preflight).
  bool answerCors(const httplib::Request& req, httplib::Response& res) const;
  std::mutex mu_;  // guards everything below
  std::map<std::string, Collection> collections_;
  std::map<std::string, std::string> aliases_;  // alias -> collection
  uint64_t operationId_ = 0;
  // Per (method, endpoint, status), for /metrics and /telemetry, and the same per collection.
  std::map<ResponseKey, ResponseStats> responses_;
  std::map<std::string, std::map<ResponseKey, ResponseStats>> collectionResponses_;
  std::mutex metricsMu_;
};

}  // namespace hxsim
