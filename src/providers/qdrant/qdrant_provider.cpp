#include "src/providers/qdrant/qdrant_provider.h"

#include <algorithm>
#include <map>
#include <set>

#include "reconciler/kinds.h"
#include "src/platform/bounded_parallel.h"
#include "src/providers/qdrant/qdrant_mapping.h"

namespace hx {

namespace {
// Collections read at once while observing one server: within CurlTransport's per-host bound.
constexpr int kObserveParallelism = 8;

std::map<std::string, std::vector<std::string>> aliasesByCollection(
    const std::vector<std::pair<std::string, std::string>>& aliases) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [alias, collection] : aliases) out[collection].push_back(alias);
  return out;
}
}  // namespace

Result<std::vector<ObservedObject>> QdrantProvider::observe(const std::string& host) {
  auto names = api_.listCollections();
  if (!names) return names.status();
  auto aliases = api_.aliases();
  if (!aliases) return aliases.status();
  auto byCollection = aliasesByCollection(aliases.value());
  // Qdrant lists names only: each collection's settings are one GET of its own. They are read a
  // few at a time (over kept-alive connections), not one after another.
  const auto& list = names.value();
  std::vector<Json> infos(list.size());
  std::vector<Status> failures(list.size(), Status::ok());
  forEachBounded(list.size(), kObserveParallelism, [&](size_t i) {
    try {
      auto info = api_.collectionInfo(list[i]);
      if (info)
        infos[i] = std::move(info).value();
      else
        failures[i] = info.status();
    } catch (const std::exception& e) {  // never out of a worker thread
      failures[i] =
          Status::error(ErrorKind::kTransient, std::string("unexpected answer: ") + e.what());
    }
  });
  std::vector<ObservedObject> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list[i];
    if (failures[i].kind() == ErrorKind::kNotFound) continue;  // deleted meanwhile
    if (!failures[i]) return failures[i];
    auto fields = qdrant::observedFields(infos[i], byCollection[name], host);
    if (!fields)
      return Status::error(fields.status().kind(),
                           "GET /collections/" + name + ": " + fields.status().message());
    out.push_back(ObservedObject{kind::kCollection, host, name, std::move(fields).value()});
  }
  return out;
}

Result<Json> QdrantProvider::observeOne(const std::string& name) {
  auto info = api_.collectionInfo(name);
  if (!info) return info.status();
  auto aliases = api_.collectionAliases(name);
  if (!aliases) return aliases.status();
  return qdrant::observedFields(info.value(), aliasesByCollection(aliases.value())[name], host_);
}

Status QdrantProvider::apply(const PlanAction& a) {
  switch (a.type) {
    case ActionType::kCreate:
      return create(a.key, a.desired);
    case ActionType::kUpdate:
      return update(a);
    case ActionType::kReplace: {
      Status gone = api_.deleteCollection(a.previousKey.empty() ? a.key : a.previousKey);
      if (!gone) return gone;
      return create(a.key, a.desired);
    }
    case ActionType::kDelete:
      return api_.deleteCollection(a.key);
    default:
      return Status::error(ErrorKind::kInternal, "not an executable action");
  }
}

Status QdrantProvider::create(const std::string& name, const Json& desired) {
  Status made = api_.createCollection(name, qdrant::createBody(desired));
  if (made) {
    // Made just now, as asked: it has no payload index and no alias yet, so nothing is read.
    static const std::vector<std::string> kNoAliases;
    if (Status s = syncPayloadIndexes(name, desired, Json::object()); !s) return s;
    return syncAliases(name, desired, &kNoAliases);
  }
  // 409 after a retried request that did land: the collection is there; what it has is read.
  if (made.kind() != ErrorKind::kConflict) return made;
  auto now = observeOne(name);
  if (!now) return now.status();
  if (Status s = syncPayloadIndexes(name, desired, now.value()); !s) return s;
  return syncAliases(name, desired, nullptr);
}

Status QdrantProvider::update(const PlanAction& a) {
  std::vector<std::string> paths;
  for (const auto& c : a.changes) paths.push_back(c.path);
  auto now = observeOne(a.key);
  if (!now) return now.status();
  if (Status s = syncNamedVectors(a.key, a.desired, now.value()); !s) return s;
  Json patch = qdrant::patchBody(a.desired, paths);
  if (!patch.empty())
    if (Status s = api_.updateCollection(a.key, patch); !s) return s;
  if (Status s = syncPayloadIndexes(a.key, a.desired, now.value()); !s) return s;
  return syncAliases(a.key, a.desired, nullptr);
}

// Named vectors can be added and removed in place since Qdrant 1.18 (PUT/DELETE .../vectors/{v}).
Status QdrantProvider::syncNamedVectors(const std::string& name, const Json& desired,
                                        const Json& observed) {
  if (desired.contains("sparseVectors")) {
    const Json& want = desired["sparseVectors"];
    const Json have = observed.value("sparseVectors", Json::object());
    for (const auto& [vector, params] : want.items())
      if (!have.contains(vector))
        if (Status s = api_.createSparseVector(name, vector, qdrant::sparseVector(params)); !s)
          return s;
    for (const auto& [vector, params] : have.items())
      if (!want.contains(vector))
        if (Status s = api_.deleteNamedVector(name, vector); !s) return s;
  }
  const Json& want = desired["vectors"];
  const Json& have = observed["vectors"];
  if (want.contains("size") || have.contains("size")) return Status::ok();
  for (const auto& [vector, params] : want.items())
    if (!have.contains(vector))
      if (Status s = api_.createNamedVector(name, vector, qdrant::denseVector(params)); !s)
        return s;
  for (const auto& [vector, params] : have.items())
    if (!want.contains(vector))
      if (Status s = api_.deleteNamedVector(name, vector); !s) return s;
  return Status::ok();
}

Status QdrantProvider::syncPayloadIndexes(const std::string& name, const Json& desired,
                                          const Json& observed) {
  if (!desired.contains("payloadIndexes")) return Status::ok();
  std::map<std::string, std::string> have, want;
  for (const auto& i : observed.value("payloadIndexes", Json::array()))
    have[i["field"]] = i["type"];
  for (const auto& i : desired["payloadIndexes"]) want[i["field"]] = i["type"];
  for (const auto& [field, type] : want)
    if (!have.count(field) || have[field] != type)
      if (Status s = api_.createPayloadIndex(name, field, type); !s) return s;
  for (const auto& [field, type] : have)
    if (!want.count(field))
      if (Status s = api_.deletePayloadIndex(name, field); !s) return s;
  return Status::ok();
}

// All alias changes of a collection go in one request, which Qdrant applies atomically. The
// names it reads and writes are held first (aliasNames_): the aliases it wants, and those found
// pointing at it; when the read finds one not held yet, it is held too and the read repeated.
Status QdrantProvider::syncAliases(const std::string& name, const Json& desired,
                                   const std::vector<std::string>* known) {
  if (!desired.contains("aliases")) return Status::ok();
  const auto want = desired["aliases"].get<std::set<std::string>>();
  std::set<std::string> names = want;
  if (known) names.insert(known->begin(), known->end());
  for (int attempt = 0; attempt < 8; ++attempt) {
    KeyedLocks::Held held(aliasNames_, names);
    std::set<std::string> pointingHere;
    if (known && attempt == 0) {
      pointingHere.insert(known->begin(), known->end());
    } else {
      // This collection's aliases only: the server's whole list (295 KB at 5 000 aliases) per
      // create made a large apply quadratic (issue 18).
      auto aliases = api_.collectionAliases(name);
      if (!aliases) return aliases.status();
      for (const auto& [alias, collection] : aliases.value())
        if (collection == name) pointingHere.insert(alias);
    }
    if (!std::includes(names.begin(), names.end(), pointingHere.begin(), pointingHere.end())) {
      names.insert(pointingHere.begin(), pointingHere.end());
      continue;
    }
    Json actions = Json::array();
    for (const auto& alias : pointingHere)
      if (!want.count(alias)) actions.push_back({{"delete_alias", {{"alias_name", alias}}}});
    for (const auto& alias : want)
      if (!pointingHere.count(alias))  // create_alias re-points an alias another collection holds
        actions.push_back({{"create_alias", {{"collection_name", name}, {"alias_name", alias}}}});
    if (actions.empty()) return Status::ok();
    return api_.updateAliases(actions);
  }
  return Status::error(ErrorKind::kTransient,
                       "the aliases of collection " + name + " kept changing while being read");
}

}  // namespace hx
