// Collections on one Qdrant server. An update re-reads what it changes, and a create that meets
// its collection already there (a retried request that did land) reads it before going on, so a
// retried action converges instead of failing on "already exists". A create that succeeded
// reads nothing back: the server made what it was asked for.
#pragma once

#include <string>

#include "reconciler/provider.h"
#include "src/platform/keyed_locks.h"
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
  // `known`: this collection's aliases when known without asking (none, right after it was
  // made); nullptr reads them.
  Status syncAliases(const std::string& name, const Json& desired,
                     const std::vector<std::string>* known);
  Result<Json> observeOne(const std::string& name);

  QdrantApi& api_;
  std::string host_;
  // Alias changes are read-modify-write on one server-wide table: two collections' syncs running
  // in parallel could undo each other (one re-points alias X to itself, the other, having read X
  // as its own, deletes it). Each sync holds the names of the aliases it reads or writes; syncs
  // of unrelated aliases run at once.
  KeyedLocks aliasNames_;
};

}  // namespace hx
