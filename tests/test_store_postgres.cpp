// The PostgreSQL driver against the tests' own server (label `ha`): how its errors are
// classified, what it refuses to take in a URL, and that it survives the server restarting.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "fakes/manual_clock.h"
#include "postgres_server.h"
#include "state/sql_postgres.h"
#include "state/store.h"
#include "state/store_error.h"

using namespace hx;

namespace {

sql::Fault faultOf(sql::Connection& db, const std::string& statement) {
  try {
    db.exec(statement);
  } catch (const sql::Error& e) {
    return e.fault();
  }
  FAIL("no error from: " << statement);
  return sql::Fault::kOther;
}

}  // namespace

TEST_CASE("PostgreSQL errors are classified by SQLSTATE, as SQLite's by result code", "[store]") {
  const std::string url = hx::test::freshPostgresDatabase("faults");
  auto db = sql::openPostgres(url, false);
  db->exec("CREATE TABLE t(k TEXT PRIMARY KEY)");
  db->exec("INSERT INTO t VALUES ('a')");
  CHECK(faultOf(*db, "INSERT INTO t VALUES ('a')") == sql::Fault::kConstraint);
  CHECK(faultOf(*db, "SELECT * FROM nowhere") == sql::Fault::kOther);
  auto reader = sql::openPostgres(url, true);
  CHECK(faultOf(*reader, "INSERT INTO t VALUES ('b')") == sql::Fault::kReadOnly);
  Status s = storeError(sql::Error(sql::Fault::kReadOnly, "x"));
  CHECK(s.kind() == ErrorKind::kTerminal);
}

TEST_CASE("a password in the store's URL is refused without being repeated", "[store]") {
  fake::ManualClock clock;
  const std::string url = "postgresql://hxctl:s3cret-pw@/postgres?host=" + std::string(HX_PG_DIR);
  auto s = Store::open(url, clock);
  REQUIRE_FALSE(s);
  CHECK(s.status().message().find("s3cret-pw") == std::string::npos);
  CHECK(s.status().message().find("PGPASSWORD") != std::string::npos);
  CHECK(s.status().message().find("postgresql://hxctl:***@/postgres") != std::string::npos);
  CHECK(sql::redactedUrl("postgres://u:p@h:5432/d") == "postgres://u:***@h:5432/d");
  CHECK(sql::redactedUrl("postgres://u@h/d") == "postgres://u@h/d");
}

TEST_CASE("a store on PostgreSQL goes on after the server restarts", "[store]") {
  fake::ManualClock clock;
  const std::string url = hx::test::freshPostgresDatabase("restart");
  auto s = Store::open(url, clock);
  REQUIRE(s);
  auto first = s.value()->beginRun(RunInfo{"apply", "alice", "box", 1, "d"});
  REQUIRE(first);
  const std::string restart =
      "/bin/bash " + std::string(HX_SOURCE_DIR) + "/tests/ha/postgres.sh restart " + HX_PG_DIR;
  REQUIRE(std::system(restart.c_str()) == 0);
  // The connection the server dropped is made again at the next statement.
  auto second = s.value()->beginRun(RunInfo{"apply", "alice", "box", 1, "d"});
  REQUIRE(second);
  CHECK(second.value() == first.value() + 1);
  auto runs = s.value()->runs(10);
  REQUIRE(runs);
  CHECK(runs.value().size() == 2);
}

TEST_CASE("a leader whose term is over cannot write: the store refuses it (fencing)", "[store]") {
  fake::ManualClock clock;
  const std::string url = hx::test::freshPostgresDatabase("fence");
  auto a = Store::open(url, clock);
  auto b = Store::open(url, clock);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a.value()->tryLease("node-a", 10'000).value().term == 1);
  // node-a's daemon writes through connections fenced to its term.
  auto fencedA = Store::open(Store::fencedUrl(url, 1), clock);
  REQUIRE(fencedA);
  REQUIRE(fencedA.value()->beginRun(RunInfo{"daemon", "a", "node-a", 1, "d"}));
  // node-a is paused past its lease; node-b takes over.
  clock.advance(10'001);
  REQUIRE(b.value()->tryLease("node-b", 10'000).value().term == 2);
  auto fencedB = Store::open(Store::fencedUrl(url, 2), clock);
  REQUIRE(fencedB);
  // node-a wakes and writes as if it still led: refused, every kind of write.
  auto stale = fencedA.value()->beginRun(RunInfo{"daemon", "a", "node-a", 1, "d"});
  REQUIRE_FALSE(stale);
  CHECK(stale.status().kind() == ErrorKind::kConflict);
  CHECK(stale.status().message().find("another daemon leads now") != std::string::npos);
  CHECK_FALSE(fencedA.value()->putBackoff("Collection/x", Backoff{1, 2, "e"}));
  // The new leader writes; so does an operator's command (no term: not fenced).
  CHECK(fencedB.value()->beginRun(RunInfo{"daemon", "b", "node-b", 2, "d"}));
  CHECK(b.value()->beginRun(RunInfo{"status", "op", "laptop", 3, "d"}));
  auto runs = b.value()->runs(10);
  REQUIRE(runs);
  CHECK(runs.value().size() == 3);  // node-a's first, node-b's, the operator's: not the stale one
}
