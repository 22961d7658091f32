// The apply schedule step by step, single-threaded: what may start, what waits, what is skipped,
// when deletes run, and what cancelling leaves.
#include <catch2/catch.hpp>

#include "src/run/apply_schedule.h"

using namespace hx;

namespace {

PlanAction change(const std::string& id, ActionType type = ActionType::kCreate,
                  std::vector<ResourceId> deps = {}) {
  PlanAction a;
  auto slash = id.find('/');
  a.id = ResourceId{id.substr(0, slash), id.substr(slash + 1)};
  a.type = type;
  a.dependsOn = std::move(deps);
  return a;
}

ResourceId rid(const std::string& id) {
  auto slash = id.find('/');
  return ResourceId{id.substr(0, slash), id.substr(slash + 1)};
}

// The ids of what findWork hands out until it hands out nothing.
std::vector<std::string> drain(ApplySchedule& s) {
  std::vector<std::string> out;
  while (auto i = s.findWork()) out.push_back(s.action(*i).id.str());
  return out;
}

size_t indexOf(const ApplySchedule& s, const std::string& id) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s.action(i).id.str() == id) return i;
  FAIL("no action " << id);
  return 0;
}

}  // namespace

TEST_CASE("schedule: only changes are scheduled, and independent ones start at once",
          "[schedule]") {
  Plan plan;
  plan.actions = {change("Model/a"), change("Model/b"), change("Collection/c"),
                  change("Model/same", ActionType::kNoOp),
                  change("Model/later", ActionType::kDeferred)};
  ApplySchedule s(plan);
  CHECK(s.size() == 3);
  CHECK(drain(s) == std::vector<std::string>{"Model/a", "Model/b", "Collection/c"});
  CHECK(s.allTaken());
  CHECK_FALSE(s.done());
  for (size_t i = 0; i < 3; ++i) s.finished(i, ActionOutcome::kSucceeded);
  CHECK(s.done());
  CHECK(s.takeSettled().empty());
}

TEST_CASE("schedule: an action waits for its dependencies and is skipped when one fails",
          "[schedule]") {
  Plan plan;
  plan.actions = {
      change("Model/embed"),
      change("Collection/docs", ActionType::kCreate, {rid("Model/embed"), rid("Host/qdrant")}),
      change("ApiKey/app", ActionType::kCreate, {rid("Collection/docs")}),
      change("Collection/plain")};
  ApplySchedule s(plan);
  // The host is not in the plan: not waited for. docs waits for embed; app waits for docs.
  CHECK(drain(s) == std::vector<std::string>{"Model/embed", "Collection/plain"});
  s.finished(indexOf(s, "Collection/plain"), ActionOutcome::kSucceeded);
  CHECK(drain(s).empty());
  s.finished(indexOf(s, "Model/embed"), ActionOutcome::kFailed);
  // docs is skipped, and so, in the same call, is app which depends on it.
  CHECK(drain(s).empty());
  auto settled = s.takeSettled();
  REQUIRE(settled.size() == 2);
  CHECK(s.action(settled[0].index).id.str() == "Collection/docs");
  CHECK(settled[0].outcome == ActionOutcome::kSkipped);
  CHECK(settled[0].why == "skipped: depends on Model/embed, which did not succeed");
  CHECK(s.action(settled[1].index).id.str() == "ApiKey/app");
  CHECK(settled[1].why == "skipped: depends on Collection/docs, which did not succeed");
  CHECK(s.done());
}

TEST_CASE("schedule: deletes wait for every other action, then run one at a time in plan order",
          "[schedule]") {
  Plan plan;
  plan.actions = {change("ApiKey/old", ActionType::kDelete), change("Collection/new"),
                  change("Collection/gone", ActionType::kDelete),
                  change("Model/gone", ActionType::kDelete)};
  ApplySchedule s(plan);
  CHECK(drain(s) == std::vector<std::string>{"Collection/new"});
  s.finished(indexOf(s, "Collection/new"), ActionOutcome::kFailed);  // ended, even if failed
  CHECK(drain(s) == std::vector<std::string>{"ApiKey/old"});
  s.finished(indexOf(s, "ApiKey/old"), ActionOutcome::kSucceeded);
  CHECK(drain(s) == std::vector<std::string>{"Collection/gone"});
  s.finished(indexOf(s, "Collection/gone"), ActionOutcome::kSucceeded);
  CHECK(drain(s) == std::vector<std::string>{"Model/gone"});
  s.finished(indexOf(s, "Model/gone"), ActionOutcome::kSucceeded);
  CHECK(s.done());
}

TEST_CASE("schedule: a dependency the plan deletes is not waited for", "[schedule]") {
  // An expired key goes; the gateway file that listed it is rewritten without it, first.
  Plan plan;
  plan.actions = {change("GatewayKeyFile/gw", ActionType::kUpdate, {rid("ApiKey/expired")}),
                  change("ApiKey/expired", ActionType::kDelete)};
  ApplySchedule s(plan);
  CHECK(drain(s) == std::vector<std::string>{"GatewayKeyFile/gw"});
  s.finished(0, ActionOutcome::kSucceeded);
  CHECK(drain(s) == std::vector<std::string>{"ApiKey/expired"});
}

TEST_CASE("schedule: cancelling settles what has not started and leaves what runs to finish",
          "[schedule]") {
  Plan plan;
  plan.actions = {change("Model/a"), change("Collection/b", ActionType::kCreate, {rid("Model/a")}),
                  change("Collection/c", ActionType::kDelete)};
  ApplySchedule s(plan);
  REQUIRE(drain(s) == std::vector<std::string>{"Model/a"});
  s.cancelRest();
  auto settled = s.takeSettled();
  REQUIRE(settled.size() == 2);
  for (const auto& c : settled) {
    CHECK(c.outcome == ActionOutcome::kCancelled);
    CHECK(c.why == "cancelled: hxctl is stopping");
  }
  CHECK(s.allTaken());
  CHECK_FALSE(s.done());  // Model/a is still running
  s.finished(0, ActionOutcome::kSucceeded);
  CHECK(s.done());
  CHECK_FALSE(s.findWork());
}
