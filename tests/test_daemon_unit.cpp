#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "cli_harness.h"
#include "reconciler/backoff.h"
#include "src/daemon/connection_queue.h"
#include "src/daemon/metrics.h"
#include "src/run/daemon_publication.h"

using namespace hx;

namespace {

PlanAction change(const std::string& kind, const std::string& name,
                  std::vector<ResourceId> deps = {}) {
  PlanAction a;
  a.id = ResourceId{kind, name};
  a.type = ActionType::kCreate;
  a.dependsOn = std::move(deps);
  return a;
}

}  // namespace

TEST_CASE("back-off doubles from 10 s and stops at 10 minutes", "[backoff]") {
  BackoffPolicy p;
  CHECK(backoffDelaySeconds(1, p) == 10);
  CHECK(backoffDelaySeconds(2, p) == 20);
  CHECK(backoffDelaySeconds(6, p) == 320);
  CHECK(backoffDelaySeconds(7, p) == 600);
  CHECK(backoffDelaySeconds(60, p) == 600);
  Backoff b = afterFailure(afterFailure(Backoff{}, "first", 100, p), "second", 200, p);
  CHECK(b.failures == 2);
  CHECK(b.nextRetryAt == 220);
  CHECK(b.lastError == "second");
}

TEST_CASE("a resource backing off is deferred with its retry time, and so are its dependents",
          "[backoff]") {
  Plan plan;
  plan.actions.push_back(change("Collection", "a"));
  plan.actions.push_back(change("ApiKey", "k", {ResourceId{"Collection", "a"}}));
  plan.actions.push_back(change("Collection", "b"));
  std::map<std::string, Backoff> backoffs{{"Collection/a", Backoff{3, 1000, "HTTP 500"}},
                                          {"Collection/b", Backoff{1, 50, "over"}}};
  CHECK(holdBackOff(plan, backoffs, 100) == 2);
  CHECK(plan.actions[0].type == ActionType::kDeferred);
  CHECK(plan.actions[0].reason ==
        "backing off after 3 failures: next retry at 1970-01-01T00:16:40Z (last error: HTTP 500)");
  CHECK(plan.actions[1].type == ActionType::kDeferred);
  CHECK(plan.actions[1].reason == "waits for Collection/a, which is backing off");
  // b's back-off has run out: it is tried again.
  CHECK(plan.actions[2].type == ActionType::kCreate);
}

TEST_CASE("metrics render in the Prometheus text format", "[metrics]") {
  MetricsRegistry m;
  m.counter("x_total", "Things");
  m.gauge("y", "A level");
  m.histogram("z_seconds", "Durations", {0.1, 1});
  m.add("x_total", {{"kind", "Model"}, {"result", "success"}}, 2);
  m.add("x_total", {{"kind", "Model"}, {"result", "success"}});
  m.set("y", {{"host", "a\"b\\c\nd"}}, 0.25);
  m.observe("z_seconds", {{"kind", "Model"}}, 0.05);
  m.observe("z_seconds", {{"kind", "Model"}}, 0.5);
  m.observe("z_seconds", {{"kind", "Model"}}, 7);
  CHECK(m.render() ==
        "# HELP x_total Things\n# TYPE x_total counter\n"
        "x_total{kind=\"Model\",result=\"success\"} 3\n"
        "# HELP y A level\n# TYPE y gauge\n"
        "y{host=\"a\\\"b\\\\c\\nd\"} 0.25\n"
        "# HELP z_seconds Durations\n# TYPE z_seconds histogram\n"
        "z_seconds_bucket{kind=\"Model\",le=\"0.1\"} 1\n"
        "z_seconds_bucket{kind=\"Model\",le=\"1\"} 2\n"
        "z_seconds_bucket{kind=\"Model\",le=\"+Inf\"} 3\n"
        "z_seconds_sum{kind=\"Model\"} 7.55\n"
        "z_seconds_count{kind=\"Model\"} 3\n");
  m.reset("y");
  CHECK(m.render().find("y{") == std::string::npos);
  CHECK_THROWS_AS(m.add("undescribed_total", {}), std::logic_error);
}

TEST_CASE("connections go to the reserve threads only while every general thread is busy",
          "[http]") {
  ConnectionQueue queue(2, 1);
  std::mutex gate;
  std::unique_lock<std::mutex> held(gate);
  std::atomic<int> general{0}, reserve{0}, done{0};
  auto job = [&] {
    (ConnectionQueue::onReserveThread() ? reserve : general)++;
    std::lock_guard<std::mutex> wait(gate);
    ++done;
  };
  // Two jobs fill the general threads, the third gets the reserve's one thread.
  queue.enqueue(job);
  queue.enqueue(job);
  REQUIRE(hx::test::eventually([&] { return general == 2; }, 30));
  queue.enqueue(job);
  REQUIRE(hx::test::eventually([&] { return reserve == 1; }, 30));
  // With all three busy, a fourth waits for a general thread rather than doubling up the reserve.
  queue.enqueue(job);
  held.unlock();
  REQUIRE(hx::test::eventually([&] { return done == 4; }, 30));
  CHECK(general == 3);
  CHECK(reserve == 1);
  CHECK_FALSE(ConnectionQueue::onReserveThread());  // the test's own thread
  queue.shutdown();
  queue.shutdown();  // httplib shuts it down, then the destructor does: harmless
}

TEST_CASE("a daemon's published lock names it, and no other pid or lock", "[control]") {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("hxctl-pub-" + std::to_string(getpid()))).string();
  setenv("RUNTIME_DIRECTORY", dir.c_str(), 1);
  {
    auto published = DaemonPublication::publish("lock-abc");
    REQUIRE(published);
    CHECK(published.value().path() == dir + "/daemon-" + std::to_string(getpid()) + ".lock");
    CHECK(std::filesystem::status(dir).permissions() == std::filesystem::perms::owner_all);
    CHECK_FALSE(notPublishedBy(getpid(), "lock-abc").has_value());
    auto other = notPublishedBy(getpid(), "lock-xyz");
    REQUIRE(other.has_value());
    CHECK(other->find("published another lock") != std::string::npos);
    auto nobody = notPublishedBy(getpid() + 100000, "lock-abc");
    REQUIRE(nobody.has_value());
    CHECK(nobody->find("has published no daemon lock") != std::string::npos);
    // A directory others may write is not believed: anyone could have put the file there.
    std::filesystem::permissions(dir, std::filesystem::perms::others_write,
                                 std::filesystem::perm_options::add);
    CHECK(notPublishedBy(getpid(), "lock-abc").has_value());
    std::filesystem::permissions(dir, std::filesystem::perms::others_write,
                                 std::filesystem::perm_options::remove);
  }
  // Gone with the daemon.
  CHECK(notPublishedBy(getpid(), "lock-abc").has_value());
  unsetenv("RUNTIME_DIRECTORY");
  std::filesystem::remove_all(dir);
}
