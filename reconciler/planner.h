// The planner: a pure function from what is declared, what was observed and what hxctl owns to
// the actions that would converge them. No I/O; the current time is passed in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "reconciler/inventory.h"
#include "reconciler/observed.h"
#include "reconciler/plan.h"
#include "reconciler/resource.h"

namespace hx {

struct PlanOptions {
  bool prune = false;  // delete objects hxctl created that the specs no longer declare
  // Without it, a prune that would delete more than half of the objects of a kind that hxctl
  // created is refused: that is what a spec file that went missing or empty looks like.
  bool allowMassPrune = false;
  bool allowReplace = false;  // allow destructive replacement (e.g. a collection's vector size)
  bool force = false;         // apply firewall changes even if they would lock out SSH
  std::optional<ResourceId> target;  // only this resource and what it depends on
  // Resources an operator suspended (hxctl suspend), with who and since when: deferred, not
  // changed; a suspended Host defers everything on it.
  std::map<ResourceId, std::string> suspended = {};
  // -l key=value: only resources carrying every one of these labels, and what they depend on.
  std::map<std::string, std::string> labels = {};
};

Plan plan(const DesiredState& desired, const ObservedState& observed, const Inventory& inventory,
          const PlanOptions& options, int64_t now);

}  // namespace hx
