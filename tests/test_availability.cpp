// Availability from recorded host transitions (reconciler/availability.h).
#include <catch2/catch.hpp>

#include "reconciler/availability.h"

using namespace hx;

namespace {
HostTransition move(HostStatus from, HostStatus to, int64_t at) {
  HostTransition t;
  t.host = "h";
  t.from = from;
  t.to = to;
  t.at = at;
  return t;
}
constexpr auto kPending = HostStatus::kPendingInstallation;
constexpr auto kActive = HostStatus::kActive;
constexpr auto kDegraded = HostStatus::kDegraded;
}  // namespace

TEST_CASE("availability: the share of the window a host was active, outages counted",
          "[availability]") {
  // Active at 1000, down from 5000 to 5100 (100 s), measured at 11000 over a 10 000 s window.
  std::vector<HostTransition> t = {move(kActive, kDegraded, 5000), move(kPending, kActive, 1000),
                                   move(kDegraded, kActive, 5100)};
  auto a = availabilityOf(t, kActive, 11000, 10000);
  REQUIRE(a);
  CHECK(a->measuredSeconds == 10000);
  CHECK(a->downSeconds == 100);
  CHECK(a->outages == 1);
  CHECK(a->ratio == Approx(0.99));
}

TEST_CASE("availability: time before the host was first active does not count", "[availability]") {
  std::vector<HostTransition> t = {move(kPending, kActive, 9000)};
  auto a = availabilityOf(t, kActive, 10000, 86400);
  REQUIRE(a);
  CHECK(a->measuredSeconds == 1000);
  CHECK(a->ratio == 1.0);
  CHECK_FALSE(availabilityOf({}, kPending, 10000, 86400));
  CHECK_FALSE(availabilityOf({move(kPending, kDegraded, 50)}, kDegraded, 100, 1000));
}

TEST_CASE("availability: a host still down now counts until now, and the window cuts old outages",
          "[availability]") {
  std::vector<HostTransition> t = {move(kPending, kActive, 0), move(kActive, kDegraded, 100),
                                   move(kDegraded, kActive, 200), move(kActive, kDegraded, 900)};
  // Window [500, 1000]: the outage at 100-200 is outside; down from 900 to now (100 s of 500).
  auto a = availabilityOf(t, kDegraded, 1000, 500);
  REQUIRE(a);
  CHECK(a->downSeconds == 100);
  CHECK(a->outages == 1);
  CHECK(a->ratio == Approx(0.8));
  // A window starting inside an outage counts it from the window's start.
  auto b = availabilityOf(t, kDegraded, 1000, 850);  // [150, 1000]: 50 + 100 down
  REQUIRE(b);
  CHECK(b->downSeconds == 150);
  CHECK(b->outages == 1);  // only the one that began inside the window
}

TEST_CASE("availability: a host active with no recorded transition is active all the window",
          "[availability]") {
  auto a = availabilityOf({}, kActive, 1000, 600);
  REQUIRE(a);
  CHECK(a->ratio == 1.0);
  CHECK(a->measuredSeconds == 600);
}
