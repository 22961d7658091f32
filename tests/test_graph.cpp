#include <catch2/catch.hpp>

#include "fakes/estate_fixture.h"
#include "reconciler/graph.h"
#include "reconciler/spec_parser.h"

using namespace hx;

TEST_CASE("topological order puts dependencies first and keeps declaration order", "[graph]") {
  ParsedSpecs parsed = parseSpecs(fake::kSmallEstate, "estate.yaml");
  DesiredState desired{parsed.resources, {}, {}};
  DependencyGraph g(desired);
  auto order = g.topologicalOrder();
  auto pos = [&](const std::string& kind, const std::string& name) {
    return std::find(order.begin(), order.end(), ResourceId{kind, name}) - order.begin();
  };
  CHECK(pos("Host", "qdrant") < pos("Collection", "docs"));
  CHECK(pos("Model", "embed") < pos("Collection", "docs"));
  CHECK(pos("Task", "harden") < pos("FirewallRule", "rest"));  // the gate comes first
  CHECK(pos("Role", "reader") < pos("ApiKey", "app"));
  CHECK(g.gatesOf({"FirewallRule", "rest"}) == std::vector<ResourceId>{{"Task", "harden"}});
  CHECK_FALSE(g.findCycle().has_value());
}

TEST_CASE("a cycle is reported with its whole path", "[graph]") {
  DesiredState d;
  auto task = [](std::string name, std::string dep) {
    Resource r;
    r.id = {"Task", name};
    r.references.push_back(
        Reference{{"Task", dep}, RefRole::kWaitsOn, "spec.dependsOn.tasks[0]", {}});
    return r;
  };
  d.resources = {task("a", "b"), task("b", "c"), task("c", "a")};
  CHECK(DependencyGraph(d).findCycle() == "Task/a -> Task/b -> Task/c -> Task/a");
}
