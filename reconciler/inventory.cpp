#include "reconciler/inventory.h"

namespace hx {

const InventoryEntry* Inventory::find(const ResourceId& id) const {
  for (const auto& e : entries)
    if (e.id == id) return &e;
  return nullptr;
}

const InventoryEntry* Inventory::findByKey(const std::string& kind, const std::string& host,
                                           const std::string& key) const {
  for (const auto& e : entries)
    if (e.id.kind == kind && e.host == host && e.key == key) return &e;
  return nullptr;
}

}  // namespace hx
