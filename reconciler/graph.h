// The dependency graph between declared resources. An edge A -> B means "A depends on B":
// B is applied first, A waits for B to be ready, and deletes run in the reverse order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/resource.h"

namespace hx {

class DependencyGraph {
 public:
  // Builds edges from every resource's references (Requires, WaitsOn) and from tasks' gates
  // (a gated resource depends on the task that gates it).
  explicit DependencyGraph(const DesiredState& desired);

  const std::vector<ResourceId>& dependenciesOf(const ResourceId& id) const;
  const std::vector<ResourceId>& gatesOf(const ResourceId& id) const;  // tasks gating `id`

  // A cycle spelled out, "Task/a -> Task/b -> Task/a", or nullopt.
  std::optional<std::string> findCycle() const;
  // Dependencies before dependents; ties keep declaration order. Requires an acyclic graph.
  std::vector<ResourceId> topologicalOrder() const;

 private:
  std::vector<ResourceId> nodes_;                        // declaration order
  std::map<ResourceId, std::vector<ResourceId>> edges_;  // id -> what it depends on
  std::map<ResourceId, std::vector<ResourceId>> gates_;  // id -> tasks that gate it
};

}  // namespace hx
