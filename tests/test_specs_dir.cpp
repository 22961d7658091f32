// The real estate in specs/: it validates, it has what the seed backlog describes, and an
// offline plan of it defers everything (no host has been seen healthy). Nothing is contacted.
#include <catch2/catch.hpp>

#include "reconciler/loader.h"
#include "reconciler/planner.h"
#include "src/platform/fs_spec_source.h"

using namespace hx;

namespace {
LoadResult loadSeed() {
  FsSpecSource source;
  return loadSpecs(source, {std::string(HX_SOURCE_DIR) + "/specs"});
}
}  // namespace

TEST_CASE("specs/ validates with the seed's counts of every kind", "[specs][seed]") {
  LoadResult seed = loadSeed();
  for (const auto& d : seed.diagnostics) INFO(formatDiagnostic(d));
  REQUIRE(seed.ok());
  std::map<std::string, int> counts;
  for (const auto& r : seed.desired.resources) ++counts[r.id.kind];
  CHECK(counts["Host"] == 5);
  CHECK(counts["Model"] == 12);  // nine models + one embedding model per LLM host
  CHECK(counts["Collection"] == 9);
  CHECK(counts["FirewallRule"] == 4);
  CHECK(counts["Role"] == 3);
  CHECK(counts["ApiKey"] == 3);
  CHECK(counts["Task"] == 17);
  for (const char* c : {"mixtral", "hermes", "openchat", "phi3", "yi34b", "deepcoder", "imp",
                        "deepseek", "general"})
    CHECK(seed.desired.find({"Collection", c}) != nullptr);
}

TEST_CASE("specs/: the 1.5.x tasks are held and gate the firewall rules and keys",
          "[specs][seed]") {
  LoadResult seed = loadSeed();
  REQUIRE(seed.ok());
  for (int i = 1; i <= 6; ++i) {
    const Resource* t = seed.desired.find({"Task", "1.5." + std::to_string(i)});
    REQUIRE(t != nullptr);
    CHECK(t->spec["hold"]["reason"].get<std::string>().find("security hardening") !=
          std::string::npos);
  }
  Plan p = plan(seed.desired, ObservedState{}, Inventory{}, PlanOptions{}, 0);
  const PlanAction* rest = p.find({"FirewallRule", "vector-db-qdrant-rest"});
  REQUIRE(rest != nullptr);
  CHECK(rest->type == ActionType::kDeferred);
  CHECK(rest->reason ==
        "deferred: task 1.5.1 is held: User decision: security hardening is deferred until the "
        "estate is live and tested");
  const PlanAction* mixtral = p.find({"Model", "mixtral"});
  REQUIRE(mixtral != nullptr);
  CHECK(mixtral->reason ==
        "deferred: host llm-primary is pending_installation (never seen healthy)");
  // The firewall is switched on (default deny) only after its rules, so it waits with them.
  const PlanAction* fw = p.find({"Firewall", "vector-db"});
  REQUIRE(fw != nullptr);
  CHECK(fw->type == ActionType::kDeferred);
  // So are the keys' deliveries: GatewayKeyFile/vector-db waits for the keys it holds.
  CHECK(p.find({"GatewayKeyFile", "vector-db"})->type == ActionType::kDeferred);
  CHECK(summaryLine(p.summary()) ==
        "Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 30 deferred.");
}
