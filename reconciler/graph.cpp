#include "reconciler/graph.h"

#include <algorithm>
#include <functional>
#include <set>

namespace hx {

DependencyGraph::DependencyGraph(const DesiredState& desired) {
  std::set<ResourceId> declared;
  for (const auto& r : desired.resources) {
    nodes_.push_back(r.id);
    declared.insert(r.id);
    edges_[r.id];
  }
  auto addEdge = [&](const ResourceId& from, const ResourceId& to) {
    if (!declared.count(to) || !declared.count(from)) return;  // dangling: reported by validation
    auto& deps = edges_[from];
    if (std::find(deps.begin(), deps.end(), to) == deps.end()) deps.push_back(to);
  };
  for (const auto& r : desired.resources) {
    for (const auto& ref : r.references) {
      if (ref.role == RefRole::kRequires || ref.role == RefRole::kWaitsOn)
        addEdge(r.id, ref.target);
      if (ref.role == RefRole::kGates) {
        addEdge(ref.target, r.id);
        if (declared.count(ref.target)) gates_[ref.target].push_back(r.id);
      }
    }
  }
}

const std::vector<ResourceId>& DependencyGraph::dependenciesOf(const ResourceId& id) const {
  static const std::vector<ResourceId> kNone;
  auto it = edges_.find(id);
  return it == edges_.end() ? kNone : it->second;
}

const std::vector<ResourceId>& DependencyGraph::gatesOf(const ResourceId& id) const {
  static const std::vector<ResourceId> kNone;
  auto it = gates_.find(id);
  return it == gates_.end() ? kNone : it->second;
}

std::optional<std::string> DependencyGraph::findCycle() const {
  enum class Mark { kNew, kOnStack, kDone };
  std::map<ResourceId, Mark> marks;
  std::vector<ResourceId> stack;
  std::optional<std::string> found;
  std::function<void(const ResourceId&)> visit = [&](const ResourceId& id) {
    marks[id] = Mark::kOnStack;
    stack.push_back(id);
    for (const auto& dep : dependenciesOf(id)) {
      if (found) return;
      Mark m = marks.count(dep) ? marks[dep] : Mark::kNew;
      if (m == Mark::kOnStack) {
        auto start = std::find(stack.begin(), stack.end(), dep);
        std::string path;
        for (auto it = start; it != stack.end(); ++it) path += it->str() + " -> ";
        found = path + dep.str();
        return;
      }
      if (m == Mark::kNew) visit(dep);
    }
    stack.pop_back();
    marks[id] = Mark::kDone;
  };
  for (const auto& n : nodes_) {
    if (found) break;
    if (!marks.count(n)) visit(n);
  }
  return found;
}

std::vector<ResourceId> DependencyGraph::topologicalOrder() const {
  std::vector<ResourceId> order;
  std::set<ResourceId> placed;
  std::function<void(const ResourceId&)> place = [&](const ResourceId& id) {
    if (placed.count(id)) return;
    placed.insert(id);
    for (const auto& dep : dependenciesOf(id)) place(dep);
    order.push_back(id);
  };
  for (const auto& n : nodes_) place(n);
  return order;
}

}  // namespace hx
