// Lookups by identity over the plain lists of desired, observed and recorded state, built once
// per plan. The planner asks for every resource's observation and inventory entry; a scan of
// the lists per question made a plan of N resources cost N² (issue 18: a quarter of an offline
// plan of 5 000 collections). Where a list holds the same identity twice, the first one counts,
// as the lists' own find() does.
#pragma once

#include <string>
#include <unordered_map>

#include "reconciler/inventory.h"
#include "reconciler/observed.h"
#include "reconciler/resource.h"

namespace hx {

class StateIndex {
 public:
  // The three states must outlive the index and not change while it is used.
  StateIndex(const DesiredState& desired, const ObservedState& observed,
             const Inventory& inventory);

  const Resource* resource(const ResourceId& id) const;
  const ObservedObject* observed(const std::string& kind, const std::string& host,
                                 const std::string& key) const;
  // The inventory entry recorded for this resource, and the one recorded for an object.
  const InventoryEntry* owned(const ResourceId& id) const;
  const InventoryEntry* ownerOf(const std::string& kind, const std::string& host,
                                const std::string& key) const;

 private:
  template <typename T>
  using Table = std::unordered_map<std::string, const T*>;
  Table<Resource> resources_;
  Table<ObservedObject> observed_;
  Table<InventoryEntry> ownedById_;
  Table<InventoryEntry> ownedByKey_;
};

}  // namespace hx
