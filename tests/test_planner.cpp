#include <algorithm>
#include <catch2/catch.hpp>

#include "fakes/estate_fixture.h"
#include "reconciler/diff.h"
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/planner.h"
#include "reconciler/spec_parser.h"

using namespace hx;
using hx::fake::hostObserved;

namespace {

struct World {
  DesiredState desired;
  ObservedState observed;
  Inventory inventory;

  World() {
    ParsedSpecs parsed = parseSpecs(fake::kSmallEstate, "estate.yaml");
    REQUIRE(parsed.diagnostics.empty());
    desired.resources = parsed.resources;
    for (auto& r : desired.resources)
      if (r.id.kind == "ApiKey") r.spec["secretDigest"] = "hmac-sha256:1111";
    observed.hosts["qdrant"] = hostObserved(HostStatus::kActive, 1000, "");
    observed.hosts["llm"] = hostObserved(HostStatus::kActive, 1000, "");
  }
  const Resource& res(const std::string& kind, const std::string& name) {
    return *desired.find({kind, name});
  }
  // Puts the object exactly as declared, owned by hxctl.
  void converged(const std::string& kind, const std::string& name) {
    const Resource& r = res(kind, name);
    observed.objects.push_back({kind, objectHost(r), objectKey(r), comparableFields(r)});
    inventory.entries.push_back({r.id, objectHost(r), objectKey(r), "created", "", ""});
  }
  void convergeAllManaged() {
    for (const auto* k : {"Model", "Collection", "ApiKey"})
      for (const auto* r : desired.ofKind(k)) converged(k, r->id.name);
  }
  Plan run(PlanOptions o = {}) { return plan(desired, observed, inventory, o, 2000); }
};

PlanAction get(const Plan& p, const std::string& kind, const std::string& name) {
  const PlanAction* a = p.find({kind, name});
  REQUIRE(a != nullptr);
  return *a;
}

}  // namespace

TEST_CASE("empty world: creates in dependency order, gated rule deferred with the hold",
          "[planner]") {
  World w;
  Plan p = w.run();
  CHECK(get(p, "Model", "embed").type == ActionType::kCreate);
  CHECK(get(p, "Collection", "docs").type == ActionType::kCreate);
  CHECK(get(p, "ApiKey", "app").type == ActionType::kCreate);
  const PlanAction& rule = get(p, "FirewallRule", "rest");
  CHECK(rule.type == ActionType::kDeferred);
  CHECK(rule.reason == "deferred: task harden is held: the user deferred hardening");
  auto index = [&](const std::string& kind, const std::string& name) {
    for (size_t i = 0; i < p.actions.size(); ++i)
      if (p.actions[i].id == ResourceId{kind, name}) return i;
    return p.actions.size();
  };
  CHECK(index("Model", "embed") < index("Collection", "docs"));
  CHECK(get(p, "Collection", "docs").dependsOn == std::vector<ResourceId>{{"Model", "embed"}});
  CHECK(summaryLine(p.summary()) ==
        "Plan: 5 to add, 0 to change, 0 to replace, 0 to destroy, 1 deferred.");
}

TEST_CASE("converged world: every managed resource is a no-op", "[planner]") {
  World w;
  w.convergeAllManaged();
  w.desired.resources.erase(std::remove_if(w.desired.resources.begin(), w.desired.resources.end(),
                                           [](const Resource& r) { return r.id.kind == "Task"; }),
                            w.desired.resources.end());
  w.converged("FirewallRule", "rest");
  Plan p = w.run();
  for (const auto& a : p.actions) CHECK(a.type == ActionType::kNoOp);
  CHECK(summaryLine(p.summary()) == "No changes.");
}

TEST_CASE("drift in a mutable field is an update with old -> new", "[planner]") {
  World w;
  w.convergeAllManaged();
  for (auto& o : w.observed.objects)
    if (o.key == "docs") o.fields["hnsw"]["m"] = 8;
  const PlanAction& a = get(w.run(), "Collection", "docs");
  REQUIRE(a.type == ActionType::kUpdate);
  REQUIRE(a.changes.size() == 1);
  CHECK(a.changes[0].path == "hnsw.m");
  CHECK(a.changes[0].before == 8);
  CHECK(a.changes[0].after == 16);
  CHECK_FALSE(a.changes[0].forcesReplace);
}

TEST_CASE("fields the spec leaves unset are not compared, and lists compare as sets", "[planner]") {
  World w;
  w.convergeAllManaged();
  for (auto& o : w.observed.objects)
    if (o.key == "docs") {
      o.fields["hnsw"]["efConstruct"] = 100;  // a server default the spec does not set
      o.fields["aliases"] = Json::array({"docs-current"});
      o.fields["status"] = "green";
    }
  CHECK(get(w.run(), "Collection", "docs").type == ActionType::kNoOp);
}

TEST_CASE("an immutable change needs --allow-replace, and replaces with it", "[planner]") {
  World w;
  w.convergeAllManaged();
  for (auto& o : w.observed.objects)
    if (o.key == "plain") o.fields["vectors"]["size"] = 16;
  const PlanAction& refused = get(w.run(), "Collection", "plain");
  CHECK(refused.type == ActionType::kNeedsReplace);
  CHECK(refused.reason ==
        "changing vectors.size needs the Collection to be deleted and re-created, which destroys "
        "its data; re-run with --allow-replace to do it");
  PlanOptions allow;
  allow.allowReplace = true;
  Plan p = w.run(allow);
  const PlanAction& replaced = get(p, "Collection", "plain");
  CHECK(replaced.type == ActionType::kReplace);
  CHECK(replaced.changes[0].forcesReplace);
  CHECK(replaced.reason == "vectors.size cannot be changed in place");
  CHECK(summaryLine(p.summary()) ==
        "Plan: 0 to add, 0 to change, 1 to replace, 0 to destroy, 1 deferred.");
}

TEST_CASE("a changed model tag replaces the model without --allow-replace", "[planner]") {
  World w;
  w.convergeAllManaged();
  for (auto& r : w.desired.resources)
    if (r.id.name == "chat") r.spec["model"] = "mixtral:8x22b";
  const PlanAction& a = get(w.run(), "Model", "chat");
  CHECK(a.type == ActionType::kReplace);
  CHECK(a.previousKey == "mixtral:8x7b");
  CHECK(a.key == "mixtral:8x22b");
}

TEST_CASE("prune deletes only what the inventory says hxctl created", "[planner]") {
  World w;
  w.convergeAllManaged();
  w.observed.objects.push_back({"Collection", "qdrant", "old", {{"vectors", {{"size", 4}}}}});
  w.inventory.entries.push_back({{"Collection", "old"}, "qdrant", "old", "created", "", ""});
  w.observed.objects.push_back({"Collection", "qdrant", "adopted-one", Json::object()});
  w.inventory.entries.push_back(
      {{"Collection", "adopted-one"}, "qdrant", "adopted-one", "adopted", "", ""});
  w.observed.objects.push_back({"Collection", "qdrant", "made-by-hand", Json::object()});

  Plan keep = w.run();
  CHECK(get(keep, "Collection", "old").type == ActionType::kOrphan);
  CHECK(get(keep, "Collection", "old").reason ==
        "no longer declared; re-run with --prune to delete it");
  CHECK(keep.find({"Collection", "made-by-hand"}) == nullptr);

  PlanOptions prune;
  prune.prune = true;
  Plan p = w.run(prune);
  CHECK(get(p, "Collection", "old").type == ActionType::kDelete);
  CHECK(get(p, "Collection", "adopted-one").type == ActionType::kOrphan);
  CHECK(p.find({"Collection", "made-by-hand"}) == nullptr);
  auto index = [&](const std::string& id) {
    for (size_t i = 0; i < p.actions.size(); ++i)
      if (p.actions[i].id.str() == id) return i;
    return p.actions.size();
  };
  CHECK(index("Collection/old") > index("ApiKey/app"));  // deletes come after everything else
  CHECK(p.summary().destroy == 1);
}

TEST_CASE("prune refuses to delete more than half of a kind hxctl created, unless told to",
          "[planner]") {
  World w;
  w.convergeAllManaged();  // docs and plain: two collections hxctl created
  // The specs lose both collections, as when collections.yaml went missing or empty.
  w.desired.resources.erase(
      std::remove_if(w.desired.resources.begin(), w.desired.resources.end(),
                     [](const Resource& r) { return r.id.kind == "Collection"; }),
      w.desired.resources.end());
  PlanOptions prune;
  prune.prune = true;
  Plan guarded = w.run(prune);
  const PlanAction& docs = get(guarded, "Collection", "docs");
  CHECK(docs.type == ActionType::kUnsafe);
  CHECK(docs.reason ==
        "refused: --prune would delete 2 of the 2 Collection objects hxctl created (more than "
        "half), which is what a spec file that went missing, empty or unreadable looks like; if "
        "it is meant, re-run with --allow-mass-prune");
  CHECK(guarded.summary().destroy == 0);
  prune.allowMassPrune = true;
  CHECK(w.run(prune).summary().destroy == 2);
  // Half or less goes ahead: one of two.
  prune.allowMassPrune = false;
  World one;
  one.convergeAllManaged();
  one.desired.resources.erase(
      std::remove_if(one.desired.resources.begin(), one.desired.resources.end(),
                     [](const Resource& r) { return r.id.str() == "Collection/plain"; }),
      one.desired.resources.end());
  Plan half = one.run(prune);
  CHECK(get(half, "Collection", "plain").type == ActionType::kDelete);
}

TEST_CASE("an existing collection not created by hxctl conflicts unless adopted", "[planner]") {
  World w;
  const Resource& docs = w.res("Collection", "docs");
  w.observed.objects.push_back({"Collection", "qdrant", "docs", comparableFields(docs)});
  const PlanAction& conflict = get(w.run(), "Collection", "docs");
  CHECK(conflict.type == ActionType::kConflict);
  CHECK(conflict.reason ==
        "Collection \"docs\" already exists on qdrant and was not created by hxctl; set "
        "spec.adopt: true to manage it");
  for (auto& r : w.desired.resources)
    if (r.id.name == "docs") r.spec["adopt"] = true;
  const PlanAction& adopt = get(w.run(), "Collection", "docs");
  CHECK(adopt.type == ActionType::kNoOp);
  CHECK(adopt.adopting);
}

TEST_CASE("work on a host that is not active is deferred, and so is what depends on it",
          "[planner]") {
  World w;
  w.observed.hosts["llm"] = hostObserved(HostStatus::kPendingInstallation, 0, "");
  Plan p = w.run();
  CHECK(get(p, "Model", "chat").reason ==
        "deferred: host llm is pending_installation (never seen healthy)");
  CHECK(get(p, "Collection", "docs").reason ==
        "deferred: depends on Model/embed, which is deferred");
  CHECK(get(p, "Collection", "plain").type == ActionType::kCreate);
  w.observed.hosts["llm"] = hostObserved(HostStatus::kDegraded, 1795000000, "");
  CHECK(get(w.run(), "Model", "chat").reason ==
        "deferred: host llm is degraded since 2026-11-18T11:06:40Z");
}

TEST_CASE("a secret change is shown as a sensitive change", "[planner]") {
  World w;
  w.convergeAllManaged();
  for (auto& r : w.desired.resources)
    if (r.id.kind == "ApiKey") r.spec["secretDigest"] = "hmac-sha256:2222";
  const PlanAction& a = get(w.run(), "ApiKey", "app");
  REQUIRE(a.type == ActionType::kUpdate);
  REQUIRE(a.changes.size() == 1);
  CHECK(a.changes[0].path == "secretDigest");
  CHECK(a.changes[0].sensitive);
}

TEST_CASE("what cannot be observed or resolved is refused, with the reason", "[planner]") {
  World w;
  w.observed.failures[{"Collection", "qdrant"}] = "connection refused";
  w.desired.unresolved[{"ApiKey", "app"}] =
      "spec.secret: environment variable HX_TEST_APP_KEY is not set";
  Plan p = w.run();
  CHECK(get(p, "Collection", "plain").type == ActionType::kUnobservable);
  CHECK(get(p, "Collection", "plain").reason ==
        "cannot observe Collection on host qdrant: connection refused");
  CHECK(get(p, "ApiKey", "app").reason ==
        "cannot resolve the desired value: spec.secret: environment variable HX_TEST_APP_KEY is "
        "not set");
  CHECK(p.summary().refused == 3);  // docs, plain, and the key
}

TEST_CASE("a targeted plan covers the target and its dependencies only", "[planner]") {
  World w;
  PlanOptions o;
  o.target = ResourceId{"Collection", "docs"};
  Plan p = w.run(o);
  std::vector<std::string> ids;
  for (const auto& a : p.actions) ids.push_back(a.id.str());
  CHECK(ids == std::vector<std::string>{"Model/embed", "Collection/docs"});
}

TEST_CASE("a named vector on the server that the spec no longer lists is a removal", "[planner]") {
  World w;
  for (auto& r : w.desired.resources)
    if (r.id.name == "plain") r.spec["vectors"] = {{"text", {{"size", 8}, {"distance", "Dot"}}}};
  w.convergeAllManaged();
  for (auto& o : w.observed.objects)
    if (o.key == "plain") o.fields["vectors"]["image"] = {{"size", 4}, {"distance", "Dot"}};
  PlanAction a = get(w.run(), "Collection", "plain");
  REQUIRE(a.type == ActionType::kUpdate);
  REQUIRE(a.changes.size() == 1);
  CHECK(a.changes[0].path == "vectors.image");
  CHECK(a.changes[0].after.is_null());
  CHECK_FALSE(a.changes[0].forcesReplace);
}

TEST_CASE("diff: a key declared null is absent, and a declared empty object is a change when new",
          "[planner]") {
  Json observed = Json::parse(R"({"metadata":{"owner":"search","team":"ai"},"sparseVectors":{}})");
  Json desired = Json::parse(R"({"metadata":{"owner":"search","gone":null,"team":null},
                                 "sparseVectors":{"title":{}}})");
  auto changes = diffFields(desired, observed, kind::kCollection);
  std::vector<std::string> paths;
  for (const auto& c : changes) paths.push_back(c.path);
  // "gone" is absent and declared absent: no change. "team" exists: removing it is one.
  CHECK(paths == std::vector<std::string>{"metadata.team", "sparseVectors.title"});
  CHECK(changes[0].after.is_null());
  CHECK(changes[1].after == Json::object());
  CHECK_FALSE(changes[1].forcesReplace);
}
