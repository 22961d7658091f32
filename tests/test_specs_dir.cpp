// The real estate in specs/: it validates, it has what the seed backlog describes, and an
// offline plan of it defers everything (no host has been seen healthy). Nothing is contacted.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

#include "reconciler/kinds.h"
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
  CHECK(counts["Task"] == 21);  // 17 with ids in the seed + its 4 optional security sub-tasks
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
    CHECK(t->spec["hold"]["reason"].get<std::string>().find(
              "User decision to defer security implementation") != std::string::npos);
    CHECK(t->spec["hold"]["since"] == "2025-07-17");  // as the seed dates the decision
  }
  Plan p = plan(seed.desired, ObservedState{}, Inventory{}, PlanOptions{}, 0);
  const PlanAction* rest = p.find({"FirewallRule", "vector-db-qdrant-rest"});
  REQUIRE(rest != nullptr);
  CHECK(rest->type == ActionType::kDeferred);
  CHECK(rest->reason ==
        "deferred: task 1.5.1 is held: User decision to defer security implementation: not "
        "required for the current dev/test environment");
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
        "Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 31 deferred.");
}

// tests/seed/seed-tasks.tsv is the operators' document, task by task (id, title, priority,
// effort, completion criteria in its words): specs/ must say what it says, no more, no less.
TEST_CASE(
    "specs/ has every task of the seed document with its title, priority, effort and criteria",
    "[specs][seed]") {
  LoadResult seed = loadSeed();
  REQUIRE(seed.ok());
  std::ifstream in(std::string(HX_SOURCE_DIR) + "/tests/seed/seed-tasks.tsv");
  REQUIRE(in.good());
  std::set<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream row(line);
    for (std::string col; std::getline(row, col, '\t');) cols.push_back(col);
    cols.resize(5);
    INFO("seed task " << cols[0]);
    ids.insert(cols[0]);
    const Resource* t = seed.desired.find({"Task", cols[0]});
    REQUIRE(t != nullptr);
    CHECK(t->spec.value("title", "") == cols[1]);
    CHECK(t->spec.value("priority", "") == cols[2]);
    CHECK(t->spec.value("effort", "") == cols[3]);
    if (cols[4].empty()) continue;  // the optional sub-tasks: the seed names no criteria
    std::vector<std::string> words;
    for (size_t at = 0;;) {
      size_t bar = cols[4].find(" | ", at);
      words.push_back(cols[4].substr(at, bar == std::string::npos ? std::string::npos : bar - at));
      if (bar == std::string::npos) break;
      at = bar + 3;
    }
    CHECK(t->spec.value("completionCriteria", Json::array()) == Json(words));
  }
  CHECK(ids.size() == 21);
  for (const auto* t : seed.desired.ofKind("Task")) CHECK(ids.count(t->id.name) == 1);
}

// The README states how many of the seed's criteria a live check proves: it must stay true.
TEST_CASE("the README's coverage of the seed's criteria is what specs/ proves", "[specs][seed]") {
  LoadResult seed = loadSeed();
  REQUIRE(seed.ok());
  int live = 0, manual = 0;
  for (const auto* t : seed.desired.ofKind("Task")) {
    if (t->spec.value("optional", false)) continue;
    std::map<std::string, std::set<std::string>> proven;  // criterion -> kinds of its checks
    for (const auto& c : t->spec.value("criteria", Json::array())) {
      for (const auto& text : criterionProves(c)) proven[text].insert(c.begin().key());
    }
    for (const auto& text : t->spec.value("completionCriteria", Json::array())) {
      const auto& kinds = proven[text.get<std::string>()];
      // A criterion that needs a person is manual, whatever live checks also watch it.
      (kinds.count("manual") ? manual : live) += 1;
    }
  }
  std::ifstream in(std::string(HX_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  const int total = live + manual;
  CHECK(total == 37);
  const int percent = (live * 100 + total / 2) / total;  // rounded
  const std::string claim = "**" + std::to_string(live) + " proven by a live check (" +
                            std::to_string(percent) + " %), " + std::to_string(manual) +
                            " manual (" + std::to_string(100 - percent) + " %)";
  INFO(claim);
  CHECK(readme.str().find(claim) != std::string::npos);
}

TEST_CASE("every kind has a runnable example in examples/kinds/ that validates on its own",
          "[specs][examples]") {
  for (const auto& k : kinds()) {
    if (k.derived) continue;
    std::string file = k.name;
    std::transform(file.begin(), file.end(), file.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string path = std::string(HX_SOURCE_DIR) + "/examples/kinds/" + file + ".yaml";
    INFO(path);
    FsSpecSource source;
    LoadResult loaded = loadSpecs(source, {path});
    CHECK(loaded.ok());
    for (const auto& d : loaded.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
    CHECK_FALSE(loaded.desired.ofKind(k.name).empty());
  }
}
