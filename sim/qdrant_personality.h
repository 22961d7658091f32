// Answers like Qdrant v1.19's REST API for what hxctl uses, plus points upsert / query / count /
// delete for the backlog's ingestion checks. Facts: Qdrant's lib/api/src/rest/schema.rs and its
// OpenAPI document (tests/conformance/qdrant).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "qdrant_auth.h"
#include "sim_host.h"

namespace hxsim {

class QdrantPersonality : public Personality {
 public:
  QdrantPersonality(std::string apiKey, std::string readOnlyKey, bool jwtRbac)
      : apiKey_(std::move(apiKey)), readOnlyKey_(std::move(readOnlyKey)), jwtRbac_(jwtRbac) {}
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override;
  void internalError(httplib::Response& res) const override;
  bool authorize(const httplib::Request& req, httplib::Response& res) override;

  struct Point {
    Json id;
    Json vector;
    Json payload;
    uint64_t version = 0;
  };
  struct Collection {
    Json params;
    Json hnsw;
    Json optimizer;
    Json quantization;  // null when unset
    Json wal;
    Json payloadSchema = Json::object();  // field -> {data_type, params?}
    std::map<std::string, Point> points;  // by id.dump()
  };

 private:
  std::optional<Refusal> valueExists(const Json& claim);
  // Resolves a collection name or alias; fills a 404 when missing. mu_ must be held.
  Collection* resolve(const std::string& name, httplib::Response& res);
  Json info(const Collection& c) const;

  void createCollection(const httplib::Request& req, httplib::Response& res);
  void updateCollection(const httplib::Request& req, httplib::Response& res);
  void updateAliases(const httplib::Request& req, httplib::Response& res);
  void createIndex(const httplib::Request& req, httplib::Response& res);
  void upsertPoints(const httplib::Request& req, httplib::Response& res);
  void queryPoints(const httplib::Request& req, httplib::Response& res, bool legacySearch);
  void scrollPoints(const httplib::Request& req, httplib::Response& res);
  std::vector<const Point*> selectPoints(const Collection& c, const Json& filter);

  std::string apiKey_, readOnlyKey_;
  bool jwtRbac_ = false;
  std::mutex mu_;  // guards everything below
  std::map<std::string, Collection> collections_;
  std::map<std::string, std::string> aliases_;  // alias -> collection
  uint64_t operationId_ = 0;
};

}  // namespace hxsim
