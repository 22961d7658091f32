#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "fakes/estate_fixture.h"
#include "fakes/fake_world.h"
#include "fakes/manual_clock.h"
#include "reconciler/planner.h"
#include "reconciler/spec_parser.h"
#include "src/run/engine.h"
#include "src/run/executor.h"

using namespace hx;

namespace {

struct Recorder : ExecutionListener {
  std::vector<std::string> events;
  void started(const PlanAction& a) override { events.push_back("start " + a.id.str()); }
  void finished(const PlanAction& a, const ActionResult& r) override {
    events.push_back(std::string(actionOutcomeName(r.outcome)) + " " + a.id.str());
  }
};

struct Harness {
  fake::ManualClock clock;
  fake::FakeWorld world{clock};
  DesiredState desired;
  Inventory inventory;

  Harness() {
    desired.resources = parseSpecs(fake::kSmallEstate, "estate.yaml").resources;
    for (auto& r : desired.resources)
      if (r.id.kind == "ApiKey") r.spec["secretDigest"] = "hmac-sha256:1111";
    world.setHost("qdrant", HostStatus::kActive);
    world.setHost("llm", HostStatus::kActive);
  }
  Plan makePlan() {
    ObservedState seen = observeEstate(desired, inventory, ObservedState{}, world, world, 4);
    return plan(desired, seen, inventory, PlanOptions{}, 0);
  }
  std::vector<ActionResult> apply(Recorder& rec) {
    Plan p = makePlan();
    Executor ex(world, clock, rec, ExecutorOptions{});
    auto results = ex.run(p);
    for (const auto& r : results)
      if (r.outcome == ActionOutcome::kSucceeded) {
        const PlanAction* a = p.find(r.id);
        inventory.entries.push_back({a->id, a->host, a->key, "created", "", ""});
      }
    return results;
  }
};

}  // namespace

TEST_CASE("apply then plan again gives no changes, and the second apply calls nothing",
          "[executor]") {
  Harness h;
  Recorder rec;
  auto results = h.apply(rec);
  CHECK(results.size() == 5);
  for (const auto& r : results) CHECK(r.outcome == ActionOutcome::kSucceeded);
  h.world.clearCalls();
  Plan again = h.makePlan();
  CHECK(summaryLine(again.summary()) ==
        "Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 deferred.");
  Recorder rec2;
  Executor ex(h.world, h.clock, rec2, ExecutorOptions{});
  CHECK(ex.run(again).empty());
  for (const auto& call : h.world.calls()) CHECK(call.rfind("apply ", 0) != 0);
}

TEST_CASE("a failure skips its dependents while independent branches are applied", "[executor]") {
  Harness h;
  h.world.failApply("Model/embed", ErrorKind::kTerminal);
  Recorder rec;
  auto results = h.apply(rec);
  std::map<std::string, std::string> outcome;
  for (const auto& r : results) outcome[r.id.str()] = actionOutcomeName(r.outcome);
  CHECK(outcome["Model/embed"] == "failed");
  CHECK(outcome["Collection/docs"] == "skipped");
  CHECK(outcome["Collection/plain"] == "succeeded");
  CHECK(outcome["Model/chat"] == "succeeded");
  CHECK(outcome["ApiKey/app"] == "succeeded");
  for (const auto& r : results)
    if (r.id.str() == "Collection/docs")
      CHECK(r.error.message() == "skipped: depends on Model/embed, which did not succeed");
  // Terminal errors are not retried.
  int embedCalls = 0;
  for (const auto& c : h.world.calls()) embedCalls += c == "apply create Model/embed";
  CHECK(embedCalls == 1);
}

TEST_CASE("transient failures are retried with capped, growing back-off", "[executor]") {
  Harness h;
  h.world.failApply("Collection/plain", ErrorKind::kTransient, 2);
  Recorder rec;
  auto results = h.apply(rec);
  for (const auto& r : results)
    if (r.id.str() == "Collection/plain") {
      CHECK(r.outcome == ActionOutcome::kSucceeded);
      CHECK(r.attempts == 3);
    }
  // Two back-offs with equal jitter: [125, 250] + [250, 500] ms.
  CHECK(h.clock.slept() >= 375);
  CHECK(h.clock.slept() <= 750);
}

TEST_CASE("retries give up after the attempt limit with the last error", "[executor]") {
  Harness h;
  h.world.failApply("Collection/plain", ErrorKind::kTransient);
  Recorder rec;
  auto results = h.apply(rec);
  for (const auto& r : results)
    if (r.id.str() == "Collection/plain") {
      CHECK(r.outcome == ActionOutcome::kFailed);
      CHECK(r.attempts == ExecutorOptions{}.maxAttempts);
      CHECK(r.error.message() == "injected failure applying Collection/plain");
    }
}

TEST_CASE("a cancel lets the action in flight finish and starts nothing after it", "[executor]") {
  Harness h;
  Plan p = h.makePlan();
  std::atomic<bool> cancel{false};
  // The stop arrives while the first action runs, as SIGTERM would.
  struct CancelOnStart : Recorder {
    std::atomic<bool>* flag = nullptr;
    void started(const PlanAction& a) override {
      Recorder::started(a);
      flag->store(true);
    }
  } rec;
  rec.flag = &cancel;
  ExecutorOptions options;
  options.parallelism = 1;
  options.cancel = &cancel;
  Executor ex(h.world, h.clock, rec, options);
  auto results = ex.run(p);
  REQUIRE(results.size() == 5);
  int succeeded = 0, cancelled = 0, applyCalls = 0;
  for (const auto& r : results) {
    succeeded += r.outcome == ActionOutcome::kSucceeded;
    cancelled += r.outcome == ActionOutcome::kCancelled;
  }
  for (const auto& call : h.world.calls()) applyCalls += call.rfind("apply ", 0) == 0;
  CHECK(succeeded == 1);
  CHECK(cancelled == 4);
  CHECK(applyCalls == 1);
  CHECK(rec.events.front().rfind("start ", 0) == 0);
  CHECK(rec.events[1].rfind("succeeded ", 0) == 0);
}

TEST_CASE("every start and end is recorded on the thread that runs the plan, one at a time",
          "[executor]") {
  struct ThreadRecorder : ExecutionListener {
    std::vector<std::thread::id> threads;
    int inside = 0, maxInside = 0;
    void note() {
      threads.push_back(std::this_thread::get_id());
      maxInside = std::max(maxInside, ++inside);
      --inside;
    }
    void started(const PlanAction&) override { note(); }
    void finished(const PlanAction&, const ActionResult&) override { note(); }
  };
  Harness h;
  ThreadRecorder rec;
  ExecutorOptions options;
  options.parallelism = 4;
  Plan p = h.makePlan();
  Executor ex(h.world, h.clock, rec, options);
  auto results = ex.run(p);
  REQUIRE(results.size() >= 4);
  CHECK(rec.threads.size() == 2 * results.size());  // a start and an end for each
  for (const auto& id : rec.threads) CHECK(id == std::this_thread::get_id());
  CHECK(rec.maxInside == 1);
}

namespace {

// Records bursts as a store would commit them, and checks from the provider's side that each
// action's start was committed before the provider was called.
struct BurstRecorder : ExecutionListener {
  std::mutex mu;
  bool open = false;
  std::set<std::string> pending, committed;
  int startedOutside = 0, finishedOutside = 0;
  size_t startsInBurst = 0, largestStartBurst = 0;
  void beginBurst() override {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
  }
  void endBurst() override {
    std::lock_guard<std::mutex> lock(mu);
    open = false;
    largestStartBurst = std::max(largestStartBurst, startsInBurst);
    startsInBurst = 0;
    committed.insert(pending.begin(), pending.end());
    pending.clear();
  }
  void started(const PlanAction& a) override {
    std::lock_guard<std::mutex> lock(mu);
    startedOutside += !open;
    ++startsInBurst;
    pending.insert(a.id.str());
  }
  void finished(const PlanAction&, const ActionResult&) override {
    std::lock_guard<std::mutex> lock(mu);
    finishedOutside += !open;
  }
};

struct CheckingProvider : Provider {
  Provider& inner;
  BurstRecorder& rec;
  std::atomic<int>& ranUncommitted;
  CheckingProvider(Provider& p, BurstRecorder& r, std::atomic<int>& bad)
      : inner(p), rec(r), ranUncommitted(bad) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override {
    return inner.observe(host);
  }
  Status apply(const PlanAction& a) override {
    {
      std::lock_guard<std::mutex> lock(rec.mu);
      if (!rec.committed.count(a.id.str())) ++ranUncommitted;
    }
    return inner.apply(a);
  }
};

struct CheckingProviders : ProviderSet {
  ProviderSet& inner;
  BurstRecorder& rec;
  std::atomic<int> ranUncommitted{0};
  std::mutex mu;
  std::map<Provider*, std::unique_ptr<CheckingProvider>> wrapped;
  CheckingProviders(ProviderSet& p, BurstRecorder& r) : inner(p), rec(r) {}
  Provider* providerFor(const std::string& kind, const std::string& host) override {
    Provider* p = inner.providerFor(kind, host);
    if (!p) return nullptr;
    std::lock_guard<std::mutex> lock(mu);
    auto& w = wrapped[p];
    if (!w) w = std::make_unique<CheckingProvider>(*p, rec, ranUncommitted);
    return w.get();
  }
};

}  // namespace

TEST_CASE(
    "the executor records starts and ends in bursts, and no action runs before its start is "
    "recorded",
    "[executor]") {
  Harness h;
  Plan p = h.makePlan();
  size_t changes = 0;
  for (const auto& a : p.actions) changes += isChange(a.type);
  REQUIRE(changes >= 4);
  BurstRecorder rec;
  CheckingProviders providers(h.world, rec);
  ExecutorOptions options;
  options.parallelism = 3;
  Executor ex(providers, h.clock, rec, options);
  auto results = ex.run(p);
  CHECK(results.size() == changes);
  CHECK(rec.startedOutside == 0);
  CHECK(rec.finishedOutside == 0);
  CHECK(providers.ranUncommitted == 0);
  CHECK(rec.committed.size() == changes);
  // The actions handed out together at the start share one burst (one transaction).
  CHECK(rec.largestStartBurst >= 2);
}
