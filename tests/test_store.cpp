#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "fakes/estate_fixture.h"
#include "fakes/manual_clock.h"
#include "state/sql_sqlite.h"
#include "state/store.h"
#include "state/store_error.h"

#ifdef HX_STORE_POSTGRES
#include "postgres_server.h"
#endif

using namespace hx;
using hx::fake::hostObserved;

namespace {
// The contract suite runs on both engines: this file is built twice, the second time with
// HX_STORE_POSTGRES (hxctl_store_pg_tests, ctest label `ha`), where a store is a fresh database
// of the tests' PostgreSQL. Cases about SQLite's file are tagged [sqlite] and run on it alone.
std::string tempDb(const std::string& name) {
#ifdef HX_STORE_POSTGRES
  return hx::test::freshPostgresDatabase(name);
#else
  auto dir = std::filesystem::temp_directory_path() / ("hxctl-store-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return path.string();
#endif
}
// The first row of a query as the engine's command-line client prints it (sqlite3, psql).
std::string firstRowOf(const std::string& store, const std::string& query) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("hxctl-store-query-" + std::to_string(getpid()) + ".out");
#ifdef HX_STORE_POSTGRES
  const std::string cmd = "psql '" + store + "' -Atc \"" + query + "\" > " + out.string();
#else
  const std::string cmd = "sqlite3 " + store + " \"" + query + "\" > " + out.string();
#endif
  if (std::system(cmd.c_str()) != 0) return "(" + cmd + " failed)";
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  return line;
}
RunInfo who(int pid) { return RunInfo{"apply", "alice", "box", pid, "digest"}; }
}  // namespace

TEST_CASE("a new store is migrated to the current schema, and reopening keeps it", "[store]") {
  fake::ManualClock clock;
  std::string path = tempDb("migrate.db");
  {
    auto s = Store::open(path, clock);
    REQUIRE(s);
    CHECK(s.value()->schemaVersion() == Store::kSchemaVersion);
    REQUIRE(s.value()->putInventory({{"Collection", "a"}, "q", "a", "created", "", ""}, true));
  }
  auto again = Store::open(path, clock);
  REQUIRE(again);
  auto inv = again.value()->inventory();
  REQUIRE(inv);
  REQUIRE(inv.value().entries.size() == 1);
  CHECK(inv.value().entries[0].origin == "created");
}

TEST_CASE("a store written by a newer hxctl is refused", "[store][sqlite]") {
  fake::ManualClock clock;
  std::string path = tempDb("newer.db");
  { REQUIRE(Store::open(path, clock)); }
  {
    auto s = Store::open(path, clock);
    REQUIRE(s);
  }
  // Bump the version as a future hxctl would.
  std::string cmd = "sqlite3 " + path + " 'PRAGMA user_version = 99'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto s = Store::open(path, clock);
  REQUIRE_FALSE(s);
  CHECK(s.status().message() == "cannot open state store " + path +
                                    ": state store has schema version 99, newer than this hxctl "
                                    "understands (" +
                                    std::to_string(Store::kSchemaVersion) + "); upgrade hxctl");
  CHECK(s.status().kind() == ErrorKind::kConflict);  // the context keeps the kind
}

TEST_CASE("the lock admits one writer and names the holder to the second", "[store][lock]") {
  fake::ManualClock clock;
  std::string path = tempDb("lock.db");
  auto a = Store::open(path, clock);
  auto b = Store::open(path, clock);
  REQUIRE((a && b));
  auto first = a.value()->acquireLock("apply", who(111));
  REQUIRE(first);
  auto second = b.value()->acquireLock("apply", who(222));
  REQUIRE_FALSE(second);
  CHECK(second.status().kind() == ErrorKind::kConflict);
  CHECK(second.status().message().find("held by alice (apply, pid 111 on box") !=
        std::string::npos);
  CHECK_FALSE(b.value()->forceUnlock("nope").isOk());
  REQUIRE(b.value()->forceUnlock(first.value().lockId));
  CHECK(b.value()->acquireLock("apply", who(222)));
}

TEST_CASE("actions started but never finished become interrupted", "[store]") {
  fake::ManualClock clock;
  std::string path = tempDb("recover.db");
  auto s = Store::open(path, clock);
  REQUIRE(s);
  auto run = s.value()->beginRun(who(1));
  REQUIRE(run);
  PlanAction a;
  a.id = {"Collection", "docs"};
  a.type = ActionType::kCreate;
  REQUIRE(s.value()->actionStarted(run.value(), a));
  auto recovered = s.value()->recoverInterrupted();
  REQUIRE(recovered);
  CHECK(recovered.value() == 1);
  auto actions = s.value()->actions(run.value());
  REQUIRE(actions);
  CHECK(actions.value()[0].status == "interrupted");
  auto runs = s.value()->runs(5);
  REQUIRE(runs);
  CHECK(runs.value()[0].status == "interrupted");
}

TEST_CASE("a batch of an apply's records is one transaction: others see all of it once committed",
          "[store]") {
  fake::ManualClock clock;
  std::string path = tempDb("batch.db");
  auto s = Store::open(path, clock);
  REQUIRE(s);
  auto run = s.value()->beginRun(who(1));
  REQUIRE(run);
  CHECK(s.value()->commitBatch());  // no batch open: nothing to do
  REQUIRE(s.value()->beginBatch());
  CHECK(s.value()->inBatch());
  PlanAction a;
  a.id = {"Collection", "docs"};
  a.type = ActionType::kCreate;
  REQUIRE(s.value()->actionStarted(run.value(), a));
  REQUIRE(
      s.value()->putInventory(InventoryEntry{a.id, "qdrant", "docs", "created", "d", ""}, false));
  auto reader = Store::openReadOnly(path, clock);
  REQUIRE(reader);
  CHECK(reader.value()->inventory().value().entries.empty());
  CHECK(reader.value()->actions(run.value()).value().empty());
  REQUIRE(s.value()->commitBatch());
  CHECK_FALSE(s.value()->inBatch());
  CHECK(reader.value()->inventory().value().entries.size() == 1);
  CHECK(reader.value()->actions(run.value()).value().size() == 1);
}

TEST_CASE("observations are cached per kind and host for offline plans", "[store]") {
  fake::ManualClock clock;
  auto s = Store::open(tempDb("cache.db"), clock);
  REQUIRE(s);
  ObservedState o;
  o.hosts["q"] = hostObserved(HostStatus::kActive, 42, "ok");
  o.objects.push_back({"Collection", "q", "docs", {{"hnsw", {{"m", 16}}}}});
  REQUIRE(s.value()->saveObservations(o));
  auto back = s.value()->loadObservations();
  REQUIRE(back);
  CHECK(back.value().host("q").status == HostStatus::kActive);
  CHECK(back.value().host("q").since == 42);
  REQUIRE(back.value().find("Collection", "q", "docs") != nullptr);
  CHECK(back.value().find("Collection", "q", "docs")->fields["hnsw"]["m"] == 16);

  // The next observation of that scope finds nothing (the last collection deleted by hand): the
  // cache follows. A scope that could not be observed keeps what was cached.
  ObservedState empty;
  empty.observedScopes.insert({"Collection", "q"});
  ObservedState other;
  other.objects.push_back({"Model", "llm", "phi3:latest", {{"host", "llm"}}});
  REQUIRE(s.value()->saveObservations(other));
  REQUIRE(s.value()->saveObservations(empty));
  auto after = s.value()->loadObservations();
  REQUIRE(after);
  CHECK(after.value().find("Collection", "q", "docs") == nullptr);
  CHECK(after.value().find("Model", "llm", "phi3:latest") != nullptr);
}

TEST_CASE("inventory rows carry the spec digest and the last observed state", "[store]") {
  fake::ManualClock clock;
  std::string path = tempDb("owned.db");
  auto s = Store::open(path, clock);
  REQUIRE(s);
  REQUIRE(s.value()->putInventory({{"Collection", "docs"}, "q", "docs", "created", "abc123", ""},
                                  true));
  ObservedState o;
  o.objects.push_back({"Collection", "q", "docs", {{"hnsw", {{"m", 32}}}}});
  REQUIRE(s.value()->saveObservations(o));
  auto inv = s.value()->inventory();
  REQUIRE(inv);
  CHECK(inv.value().entries[0].specDigest == "abc123");
  // Read with the engine's own client, not through the store.
  CHECK(firstRowOf(path, "SELECT observed_json FROM inventory") == R"({"hnsw":{"m":32}})");
}

TEST_CASE("back-off records are kept per resource until cleared", "[store][backoff]") {
  fake::ManualClock clock;
  auto s = Store::open(tempDb("backoff.db"), clock);
  REQUIRE(s);
  Store& store = *s.value();
  Backoff first = afterFailure(Backoff{}, "HTTP 500", 1000, BackoffPolicy{});
  REQUIRE(store.putBackoff("Collection/a", first));
  REQUIRE(store.putBackoff("Collection/a", afterFailure(first, "HTTP 503", 1010, BackoffPolicy{})));
  auto all = store.backoffs();
  REQUIRE(all);
  REQUIRE(all.value().size() == 1);
  const Backoff& b = all.value().at("Collection/a");
  CHECK(b.failures == 2);
  CHECK(b.nextRetryAt == 1010 + 20);
  CHECK(b.lastError == "HTTP 503");
  REQUIRE(store.clearBackoff("Collection/a"));
  CHECK(store.backoffs().value().empty());
}

TEST_CASE("store errors are classified by SQLite's result code, not by their wording",
          "[store][errors][sqlite]") {
  struct Case {
    int code;
    ErrorKind kind;
    std::string meaning;
  };
  const std::vector<Case> cases = {
      {SQLITE_BUSY, ErrorKind::kTransient, "busy: another hxctl is writing it"},
      {SQLITE_LOCKED, ErrorKind::kTransient, "busy: another hxctl is writing it"},
      {SQLITE_FULL, ErrorKind::kUnavailable, "the disk is full"},
      {SQLITE_IOERR_WRITE, ErrorKind::kUnavailable, "an I/O error"},
      {SQLITE_READONLY, ErrorKind::kTerminal, "read-only"},
      {SQLITE_CORRUPT, ErrorKind::kTerminal, "the file is corrupt or not an hxctl store"},
      {SQLITE_NOTADB, ErrorKind::kTerminal, "the file is corrupt or not an hxctl store"},
      {SQLITE_CANTOPEN, ErrorKind::kUnavailable, "cannot open the file"},
      {SQLITE_CONSTRAINT_TRIGGER, ErrorKind::kInternal, "a write was refused by the database"},
  };
  for (const auto& c : cases) {
    // A message that says "locked" where the code says otherwise must not read as busy.
    Status s = storeError(sql::Error(sql::sqliteFault(c.code), "locked out of luck"));
    INFO(c.code << ": " << s.message());
    CHECK(s.kind() == c.kind);
    CHECK(s.message().rfind("state store: " + c.meaning, 0) == 0);
  }
  CHECK(storeError(std::runtime_error("database is locked")).kind() == ErrorKind::kInternal);
}

TEST_CASE("a file that is not a store is refused as corrupt, naming the file",
          "[store][errors][sqlite]") {
  fake::ManualClock clock;
  std::string path = tempDb("garbage.db");
  std::ofstream(path) << std::string(8192, 'x');
  auto s = Store::open(path, clock);
  REQUIRE_FALSE(s);
  CHECK(s.status().kind() == ErrorKind::kTerminal);
  CHECK(s.status().message().find("cannot open state store " + path + ": ") == 0);
  CHECK(s.status().message().find("the file is corrupt or not an hxctl store") !=
        std::string::npos);
}

TEST_CASE("a probe counts once in its five-minute bucket, however often its host is saved",
          "[store][web]") {
  fake::ManualClock clock(1'795'000'000'000);  // 300-second aligned: 5 983 333 buckets + 100 s
  auto s = Store::open(tempDb("probes.db"), clock);
  REQUIRE(s);
  auto save = [&](int64_t probeMs, int failures, HostStatus status) {
    ObservedState o;
    HostObservation h = hostObserved(status, 1, "");
    h.lastProbeMs = probeMs;
    h.failures = failures;
    h.successes = failures ? 0 : 1;
    o.hosts["llm"] = h;
    REQUIRE(s.value()->saveObservations(o));
  };
  const int64_t t0 = 1'795'000'000'000;
  save(t0, 0, HostStatus::kActive);
  save(t0, 0, HostStatus::kActive);  // the same probe, saved again by a cycle
  save(t0 + 10'000, 1, HostStatus::kActive);
  save(t0 + 20'000, 2, HostStatus::kActive);
  save(t0 + 400'000, 3, HostStatus::kDegraded);  // the next bucket
  auto buckets = s.value()->probeBuckets("llm", t0 / 1000 - 3600);
  REQUIRE(buckets);
  REQUIRE(buckets.value().size() == 2);
  const auto& first = buckets.value()[0];
  CHECK(first.start % ProbeBucket::kSeconds == 0);
  CHECK(first.start <= t0 / 1000);
  CHECK(first.ok == 1);
  CHECK(first.failed == 2);
  CHECK(buckets.value()[1].failed == 1);
  CHECK(buckets.value()[1].status == HostStatus::kDegraded);
  CHECK(s.value()->probeBuckets("other", 0).value().empty());
  // Eight days on, the old buckets are pruned as new probes are saved.
  clock.advance(9 * 86'400'000LL);
  save(clock.nowMillis(), 0, HostStatus::kActive);
  auto later = s.value()->probeBuckets("llm", 0);
  REQUIRE(later);
  REQUIRE(later.value().size() == 1);
  CHECK(later.value()[0].ok == 1);
}

TEST_CASE("runs record their duration in milliseconds, and every task's transitions read in order",
          "[store][web]") {
  fake::ManualClock clock;
  auto s = Store::open(tempDb("durations.db"), clock);
  REQUIRE(s);
  auto run = s.value()->beginRun(who(1));
  REQUIRE(run);
  clock.advance(1234);
  REQUIRE(s.value()->endRun(run.value(), 0, "succeeded", "1 applied"));
  auto running = s.value()->beginRun(who(1));
  REQUIRE(running);
  auto runs = s.value()->runs(10);
  REQUIRE(runs);
  REQUIRE(runs.value().size() == 2);
  CHECK(runs.value()[0].durationMs == 0);  // still running
  CHECK(runs.value()[1].durationMs == 1234);

  TaskEvaluation a{"1.1", TaskStatus::kBlocked, {}, {}, 100, true, std::nullopt};
  TaskEvaluation b{"1.2", TaskStatus::kReady, {}, {}, 100, true, std::nullopt};
  REQUIRE(s.value()->recordTaskEvaluations({a, b}));
  clock.advance(60'000);
  a.status = TaskStatus::kCompleted;
  a.previous = TaskStatus::kBlocked;
  a.since = 200;
  REQUIRE(s.value()->recordTaskEvaluations({a}));
  auto all = s.value()->allTaskTransitions();
  REQUIRE(all);
  REQUIRE(all.value().size() == 3);
  CHECK(all.value()[2].task == "1.1");
  CHECK(all.value()[2].to == "completed");
  CHECK(all.value()[0].at == 100);
  CHECK(all.value()[2].at == 200);
}

TEST_CASE("one lease: the first contender leads, the other takes it once it expires, a term each",
          "[store][lease]") {
  fake::ManualClock clock;
  const std::string path = tempDb("lease.db");
  auto a = Store::open(path, clock);
  auto b = Store::open(path, clock);
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(a.value()->lease().value());
  auto first = a.value()->tryLease("node-a", 10'000);
  REQUIRE(first);
  CHECK(first.value().holder == "node-a");
  CHECK(first.value().term == 1);
  auto refused = b.value()->tryLease("node-b", 10'000);
  REQUIRE(refused);
  CHECK(refused.value().holder == "node-a");  // unchanged: node-b is a standby
  clock.advance(5'000);
  auto renewed = a.value()->tryLease("node-a", 10'000);
  CHECK(renewed.value().term == 1);  // a renewal keeps the term
  CHECK(renewed.value().renewedMs == clock.nowMillis());
  clock.advance(10'001);  // node-a stopped renewing: the lease runs out
  auto taken = b.value()->tryLease("node-b", 10'000);
  REQUIRE(taken);
  CHECK(taken.value().holder == "node-b");
  CHECK(taken.value().term == 2);
  auto lost = a.value()->tryLease("node-a", 10'000);
  CHECK(lost.value().holder == "node-b");  // node-a learns it no longer leads
  REQUIRE(b.value()->releaseLease("node-b"));
  auto handedOver = a.value()->tryLease("node-a", 10'000);
  CHECK(handedOver.value().holder == "node-a");  // released: no need to wait for it
  CHECK(handedOver.value().term == 3);
}
