// Collections on one Qdrant server. Every apply re-reads what it needs, so a retried action
// (after a timeout whose request did land) converges instead of failing on "already exists".
#pragma once

#include <mutex>
#include <string>

#include "reconciler/provider.h"
#include "src/providers/qdrant/qdrant_api.h"

namespace hx {

class QdrantProvider : public Provider {
 public:
  QdrantProvider(QdrantApi& api, std::string host) : api_(api), host_(std::move(host)) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  Status create(const std::string& name, const Json& desired);
  Status update(const PlanAction& action);
  Status syncNamedVectors(const std::string& name, const Json& desired, const Json& observed);
  Status syncPayloadIndexes(const std::string& name, const Json& desired, const Json& observed);
  Status syncAliases(const std::string& name, const Json& desired);
  Result<Json> observeOne(const std::string& name);

  QdrantApi& api_;
  std::string host_;
  // Alias changes are read-modify-write on one server-wide table; two collections' syncs running
  // in parallel could undo each other (re-point, then delete). One at a time per server.
  std::mutex aliasMu_;
};

}  // namespace hx
