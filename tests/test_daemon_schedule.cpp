// The daemon's timetable step by step on plain milliseconds: probes per host at their own
// interval, a cycle at startup, on each interval, at once on a host's status change, and on
// request; a spec-change request with unchanged specs runs none.
#include <catch2/catch.hpp>

#include "src/daemon/daemon_schedule.h"

using namespace hx;

namespace {
const std::vector<std::string> kHosts = {"llm", "qdrant"};
}

TEST_CASE("daemon schedule: a cycle at startup, then one per interval", "[daemon-schedule]") {
  DaemonSchedule s(1000);
  auto first = s.takeDueCycle(1000);
  REQUIRE(first);
  CHECK(first->trigger == CycleTrigger::kStartup);
  s.cycled(1200, 60000);
  CHECK_FALSE(s.takeDueCycle(1201));
  CHECK_FALSE(s.takeDueCycle(61199));
  auto next = s.takeDueCycle(61200);
  REQUIRE(next);
  CHECK(next->trigger == CycleTrigger::kInterval);
  CHECK(std::string(cycleTriggerName(next->trigger)) == "interval");
}

TEST_CASE("daemon schedule: each host is probed at its own interval, never-probed ones at once",
          "[daemon-schedule]") {
  DaemonSchedule s(0);
  CHECK(s.dueHosts(kHosts, 0) == kHosts);
  CHECK(s.wakeAtMs(kHosts) <= 0);
  s.probed("llm", 0, 1000);
  s.probed("qdrant", 0, 15000);
  s.cycled(0, 60000);
  CHECK(s.dueHosts(kHosts, 999).empty());
  CHECK(s.wakeAtMs(kHosts) == 1000);  // the earliest of the probes and the next cycle
  CHECK(s.dueHosts(kHosts, 1000) == std::vector<std::string>{"llm"});
  s.probed("llm", 1000, 1000);
  CHECK(s.dueHosts(kHosts, 15000) == kHosts);
  // A host new in the specs is due at once.
  CHECK(s.dueHosts({"llm", "qdrant", "web"}, 1500) == std::vector<std::string>{"web"});
}

TEST_CASE("daemon schedule: a host's status change and requests run a cycle at once",
          "[daemon-schedule]") {
  DaemonSchedule s(0);
  REQUIRE(s.takeDueCycle(0));  // startup
  s.cycled(0, 60000);
  s.hostChanged();
  CHECK(s.requested());
  auto changed = s.takeDueCycle(10);
  REQUIRE(changed);
  CHECK(changed->trigger == CycleTrigger::kHostStatus);
  CHECK_FALSE(s.requested());
  s.cycled(20, 60000);

  // SIGHUP forces a reload; a later spec change keeps the force, and is the trigger named.
  s.request(CycleTrigger::kSighup, true);
  s.request(CycleTrigger::kSpecChange, false);
  auto both = s.takeDueCycle(30);
  REQUIRE(both);
  CHECK(both->trigger == CycleTrigger::kSpecChange);
  CHECK(both->forceReload);
  CHECK(DaemonSchedule::runs(*both, false));  // forced: it runs even if nothing changed
  s.cycled(40, 60000);

  // A spec change whose content did not change runs no cycle; an interval one always runs.
  s.request(CycleTrigger::kSpecChange, false);
  auto same = s.takeDueCycle(50);
  REQUIRE(same);
  CHECK_FALSE(DaemonSchedule::runs(*same, false));
  CHECK(DaemonSchedule::runs(*same, true));
  CHECK(DaemonSchedule::runs(DaemonSchedule::Due{CycleTrigger::kInterval, false}, false));
}

TEST_CASE("daemon schedule: causes that come together make one cycle, named after the latest",
          "[daemon-schedule]") {
  DaemonSchedule s(0);
  s.request(CycleTrigger::kSighup, true);
  s.hostChanged();  // the first probe sees the host come up, before the startup cycle runs
  auto first = s.takeDueCycle(0);
  REQUIRE(first);
  CHECK(first->trigger == CycleTrigger::kHostStatus);
  CHECK(first->forceReload);  // the SIGHUP's forced reload is kept
  CHECK_FALSE(s.requested());
  s.cycled(5, 60000);
  CHECK_FALSE(s.takeDueCycle(6));  // nothing left over for a second cycle
}
