#include "reconciler/state_index.h"

namespace hx {

namespace {
// Kinds, names, hosts and keys never hold a NUL, so it separates them unambiguously.
std::string indexKey(const std::string& a, const std::string& b) {
  std::string out;
  out.reserve(a.size() + b.size() + 1);
  return out.append(a).append(1, '\0').append(b);
}
std::string indexKey(const std::string& a, const std::string& b, const std::string& c) {
  return indexKey(indexKey(a, b), c);
}
template <typename T>
const T* lookup(const std::unordered_map<std::string, const T*>& table, const std::string& key) {
  auto it = table.find(key);
  return it == table.end() ? nullptr : it->second;
}
}  // namespace

StateIndex::StateIndex(const DesiredState& desired, const ObservedState& observed,
                       const Inventory& inventory) {
  resources_.reserve(desired.resources.size());
  for (const auto& r : desired.resources) resources_.emplace(indexKey(r.id.kind, r.id.name), &r);
  observed_.reserve(observed.objects.size());
  for (const auto& o : observed.objects) observed_.emplace(indexKey(o.kind, o.host, o.key), &o);
  ownedById_.reserve(inventory.entries.size());
  ownedByKey_.reserve(inventory.entries.size());
  for (const auto& e : inventory.entries) {
    ownedById_.emplace(indexKey(e.id.kind, e.id.name), &e);
    ownedByKey_.emplace(indexKey(e.id.kind, e.host, e.key), &e);
  }
}

const Resource* StateIndex::resource(const ResourceId& id) const {
  return lookup(resources_, indexKey(id.kind, id.name));
}

const ObservedObject* StateIndex::observed(const std::string& kind, const std::string& host,
                                           const std::string& key) const {
  return lookup(observed_, indexKey(kind, host, key));
}

const InventoryEntry* StateIndex::owned(const ResourceId& id) const {
  return lookup(ownedById_, indexKey(id.kind, id.name));
}

const InventoryEntry* StateIndex::ownerOf(const std::string& kind, const std::string& host,
                                          const std::string& key) const {
  return lookup(ownedByKey_, indexKey(kind, host, key));
}

}  // namespace hx
