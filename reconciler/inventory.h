// What hxctl owns: the authoritative record that makes pruning safe. Plain data; state/ stores it.
#pragma once

#include <string>
#include <vector>

#include "reconciler/resource.h"

namespace hx {

struct InventoryEntry {
  ResourceId id;
  std::string host;
  std::string key;
  std::string origin;  // "created" (hxctl made it: prunable) or "adopted" (never pruned)
  std::string specDigest;
  std::string sourceFile;  // the spec file that declared it when it was last applied
};

struct Inventory {
  std::vector<InventoryEntry> entries;
  const InventoryEntry* find(const ResourceId& id) const;
  const InventoryEntry* findByKey(const std::string& kind, const std::string& host,
                                  const std::string& key) const;
};

}  // namespace hx
