// Qdrant's REST API as typed calls. Knows the envelope ({"result", "status", "time"} and
// {"status": {"error"}}), the status-code table, and that 401/403 from the auth middleware are
// text/plain. Facts: Qdrant's lib/api/src/rest/schema.rs and its OpenAPI document
// (tests/conformance/qdrant).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reconciler/clock.h"
#include "reconciler/resource.h"
#include "reconciler/status.h"
#include "src/platform/http.h"
#include "src/providers/host_retry.h"

namespace hx {

class QdrantApi {
 public:
  // Every call hxctl makes is safe to repeat (a create that landed answers 409, which callers
  // accept), so it is retried by the one host retry policy (src/providers/host_retry.h).
  using RetryPolicy = hx::RetryPolicy;

  // `apiKey` may be empty (no auth). Sent as the `api-key` header, never logged.
  QdrantApi(HttpTransport& http, Clock& clock, std::string baseUrl, std::string apiKey,
            int64_t timeoutMs = 10000);
  QdrantApi(HttpTransport& http, Clock& clock, std::string baseUrl, std::string apiKey,
            int64_t timeoutMs, RetryPolicy retry);

  Result<std::vector<std::string>> listCollections();
  Result<Json> collectionInfo(const std::string& name);
  Result<std::vector<std::pair<std::string, std::string>>> aliases();  // (alias, collection)
  // One collection's aliases (GET /collections/{name}/aliases): what a change to that collection
  // needs, without the server's whole list.
  Result<std::vector<std::pair<std::string, std::string>>> collectionAliases(
      const std::string& name);
  Status createCollection(const std::string& name, const Json& body);
  Status updateCollection(const std::string& name, const Json& body);
  Status deleteCollection(const std::string& name);
  Status updateAliases(const Json& actions);
  Status createPayloadIndex(const std::string& collection, const std::string& field,
                            const std::string& type);
  Status deletePayloadIndex(const std::string& collection, const std::string& field);
  Status createNamedVector(const std::string& collection, const std::string& vector,
                           const Json& dense);
  Status createSparseVector(const std::string& collection, const std::string& vector,
                            const Json& sparse);
  // Removes a named vector, dense or sparse.
  Status deleteNamedVector(const std::string& collection, const std::string& vector);

  // Points, for the checks that write probe points and search for them. Upsert and delete wait
  // until the write is applied (?wait=true), so a query right after sees it.
  Status upsertPoints(const std::string& collection, const Json& points);
  Result<Json> queryPoints(const std::string& collection, const Json& query);
  Status deletePoints(const std::string& collection, const Json& ids);
  // The path of a collection's universal query (POST), for the load generator.
  static std::string queryPath(const std::string& collection);

  // Raw call with Qdrant's error handling: returns `result` of a 2xx envelope.
  Result<Json> call(const std::string& method, const std::string& path, const Json* body = nullptr);

 private:
  Status addVector(const std::string& collection, const std::string& vector, const Json& body);
  Result<std::vector<std::pair<std::string, std::string>>> aliasList(const std::string& path);
  Result<Json> callOnce(const std::string& method, const std::string& path, const Json* body);

  Clock& clock_;
  RetryPolicy retry_;
  HttpTransport& http_;
  std::string baseUrl_;
  std::string apiKey_;
  int64_t timeoutMs_;
};

// Classifies a non-2xx Qdrant answer: 5xx, 408 and 429 are transient; 401/403 explain auth;
// other 4xx are terminal. The sentence names the call and quotes Qdrant's message.
Status qdrantError(const std::string& what, const HttpResponse& response);

}  // namespace hx
