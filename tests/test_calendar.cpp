// The backlog calendar (reconciler/calendar.h): reviews due, escalations, spans.
#include <catch2/catch.hpp>

#include "reconciler/calendar.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"

using namespace hx;

namespace {
int64_t at(const char* date, int64_t secondsIntoDay = 0) {
  return *parseDateSeconds(date) + secondsIntoDay;
}
Resource calendar(Json spec) {
  Resource r;
  r.id = {kind::kBacklog, "b"};
  r.spec = std::move(spec);
  return r;
}
}  // namespace

TEST_CASE("calendar: the next weekly, daily and monthly occurrence", "[calendar]") {
  // 2025-07-17 was a Thursday.
  Json weekly = {{"every", "week"}, {"on", "monday"}, {"at", "09:00"}};
  CHECK(nextOccurrence(weekly, at("2025-07-17", 12 * 3600)) == at("2025-07-21", 9 * 3600));
  // On a Monday before 09:00 it is that morning; at 09:00 itself, the next week.
  CHECK(nextOccurrence(weekly, at("2025-07-21", 3600)) == at("2025-07-21", 9 * 3600));
  CHECK(nextOccurrence(weekly, at("2025-07-21", 9 * 3600)) == at("2025-07-28", 9 * 3600));
  Json daily = {{"every", "day"}, {"at", "18:30"}};
  CHECK(nextOccurrence(daily, at("2025-07-17", 19 * 3600)) == at("2025-07-18", 18 * 3600 + 1800));
  Json monthly = {{"every", "month"}, {"day", 1}, {"at", "09:00"}};
  CHECK(nextOccurrence(monthly, at("2025-07-17")) == at("2025-08-01", 9 * 3600));
  CHECK(nextOccurrence(monthly, at("2025-12-17")) == at("2026-01-01", 9 * 3600));
}

TEST_CASE("calendar: a review is due from the first scheduled time after the last one",
          "[calendar]") {
  Resource b = calendar({{"reviews",
                          {{{"name", "Weekly Review"},
                            {"every", "week"},
                            {"on", "monday"},
                            {"at", "09:00"},
                            {"last", "2025-07-17"}},
                           {{"name", "Dependency Check"}, {"every", "day"}, {"automated", true}},
                           {{"name", "Never held"}, {"every", "month"}}}}});
  // The Sunday after: not due yet, next Monday 09:00.
  auto sunday = reviewsOf(b, at("2025-07-20", 12 * 3600));
  REQUIRE(sunday.size() == 3);
  CHECK_FALSE(sunday[0].due);
  CHECK(sunday[0].next == at("2025-07-21", 9 * 3600));
  CHECK(sunday[0].schedule == "every Monday at 09:00 UTC");
  // Monday 09:00: due, since then. Automated reviews are never due; one never held is due now.
  auto monday = reviewsOf(b, at("2025-07-21", 9 * 3600));
  CHECK(monday[0].due);
  CHECK(monday[0].dueSince == at("2025-07-21", 9 * 3600));
  CHECK_FALSE(monday[1].due);
  CHECK(monday[1].automated);
  CHECK(monday[2].due);
  // Held on the Monday itself: not due again until the next Monday.
  b.spec["reviews"][0]["last"] = "2025-07-21";
  CHECK_FALSE(reviewsOf(b, at("2025-07-25"))[0].due);
  CHECK(reviewsOf(b, at("2025-07-28", 9 * 3600))[0].due);
}

TEST_CASE("calendar: a task blocked or regressed past its priority's limit is escalated",
          "[calendar]") {
  DesiredState desired;
  for (auto [name, priority] :
       {std::pair{"a", "high"}, {"b", "high"}, {"c", "low"}, {"d", "high"}}) {
    Resource t;
    t.id = {kind::kTask, name};
    t.spec = {{"title", name}, {"priority", priority}};
    desired.resources.push_back(t);
  }
  Resource b = calendar({{"escalation",
                          {{{"priority", "high"}, {"after", "7d"}, {"why", "core"}},
                           {{"priority", "low"}, {"after", "30d"}}}}});
  const int64_t now = at("2025-08-01");
  std::vector<TaskEvaluation> e(4);
  e[0] = {"a",   TaskStatus::kBlocked, {}, {}, now - 8 * 86400,
          false, std::nullopt};  // high, 8 d: escalated
  e[1] = {"b",   TaskStatus::kBlocked, {}, {}, now - 6 * 86400,
          false, std::nullopt};  // high, 6 d: not yet
  e[2] = {"c",   TaskStatus::kBlocked, {}, {}, now - 20 * 86400,
          false, std::nullopt};  // low, 20 d < 30 d
  e[3] = {"d",   TaskStatus::kHeld, {}, {}, now - 100 * 86400,
          false, std::nullopt};  // held: a decision, not late
  auto out = escalationsOf(b, desired, e, now, {"a", "b", "c", "d"});
  REQUIRE(out.size() == 1);
  CHECK(out[0].task == "a");
  CHECK(out[0].why == "core");
  CHECK(out[0].escalatedAt == now - 86400);
  e[3].status = TaskStatus::kRegressed;
  CHECK(escalationsOf(b, desired, e, now, {"a", "b", "c", "d"}).size() == 2);
}

TEST_CASE(
    "calendar: without a record of the status beginning, an age counts from the operators' date",
    "[calendar]") {
  DesiredState desired;
  for (auto name : {"fresh", "first-seen", "seen-begin", "own-date"}) {
    Resource t;
    t.id = {kind::kTask, name};
    t.spec = {{"title", name}, {"priority", "high"}};
    if (std::string(name) == "own-date") t.spec["opened"] = "2025-09-01";
    desired.resources.push_back(t);
  }
  Resource b = calendar(
      {{"opened", "2025-07-17"}, {"escalation", {{{"priority", "high"}, {"after", "7d"}}}}});
  const int64_t now = at("2026-12-07");
  std::vector<TaskEvaluation> e(4);
  e[0] = {"fresh", TaskStatus::kBlocked, {}, {}, 0, false, std::nullopt};  // nothing recorded
  e[1] = {"first-seen", TaskStatus::kBlocked, {}, {}, now - 86400, false, std::nullopt};
  e[2] = {"seen-begin", TaskStatus::kBlocked, {}, {}, now - 86400, false, std::nullopt};
  e[3] = {"own-date", TaskStatus::kBlocked, {}, {}, now - 86400, false, std::nullopt};
  auto out = escalationsOf(b, desired, e, now, {"seen-begin"});
  REQUIRE(out.size() == 3);
  CHECK(out[0].task == "fresh");
  CHECK(out[0].since == at("2025-07-17"));
  CHECK(out[0].origin == "document");
  CHECK(out[0].originWords ==
        "counted from the backlog's Date Created; hxctl holds no earlier record of the status "
        "beginning");
  CHECK(out[1].task == "first-seen");
  CHECK(out[1].since == at("2025-07-17"));
  CHECK(out[2].task == "own-date");
  CHECK(out[2].since == at("2025-09-01"));
  CHECK(out[2].originWords.find("counted from the task's opened date") == 0);
  // Seen to begin a day ago: a day old, not escalated.
  for (const auto& x : out) CHECK(x.task != "seen-begin");
  // Without any date of the operators', a first record is the origin, said as such.
  Resource undated = calendar({{"escalation", {{{"priority", "high"}, {"after", "7d"}}}}});
  e[1].since = now - 9 * 86400;
  auto recorded = escalationsOf(undated, desired, e, now, {});
  bool sawFirst = false;
  for (const auto& x : recorded)
    if (x.task == "first-seen") {
      sawFirst = true;
      CHECK(x.origin == "recorded");
      CHECK(x.originWords == "first recorded by hxctl");
    }
  CHECK(sawFirst);
}

TEST_CASE("calendar: spans read as people say them", "[calendar]") {
  CHECK(humanSpan(45) == "45 s");
  CHECK(humanSpan(600) == "10 min");
  CHECK(humanSpan(5 * 3600) == "5 h");
  CHECK(humanSpan(500 * 86400) == "500 d");
}
