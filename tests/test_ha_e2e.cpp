// hxctl on a shared PostgreSQL store (issue 21, label `ha`), as an operator drives it: a store
// migrated from SQLite reads the same, and an estate applied onto PostgreSQL plans no changes
// after. (hxctl-fake: fake providers, a real store on the tests' own PostgreSQL.)
#include <catch2/catch.hpp>

#include "cli_harness.h"
#include "postgres_server.h"
#include "small_estate_cli.h"

using namespace hx;
using hx::test::activeHosts;
using hx::test::CliHarness;
using hx::test::kKeyEnv;
using hx::test::openEstate;
using hx::test::Run;

TEST_CASE("a store migrated into PostgreSQL gives the same status and history", "[ha]") {
  CliHarness h("ha-migrate");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  h.world().setHost("llm", HostStatus::kDegraded);
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  const std::string url = hx::test::freshPostgresDatabase("migrated");

  Run copied = h.run("state migrate --to '" + url + "'");
  INFO(copied.out << copied.err);
  REQUIRE(copied.code == 0);
  CHECK(copied.out.find("  runs: 2\n") != std::string::npos);
  const std::string shared = " --state '" + url + "'";
  for (const std::string command :
       {"status -f specs -o json", "history -o json", "history 1 -o json",
        "hosts --offline -f specs -o json", "keys -f specs -o json"}) {
    INFO(command);
    Run file = h.run(command, kKeyEnv);
    Run postgres = h.run(command + shared, kKeyEnv);
    REQUIRE(file.code == 0);
    CHECK(postgres.code == 0);
    CHECK(Json::parse(postgres.out, nullptr, false) == Json::parse(file.out, nullptr, false));
  }
  // The copy carried the secret salt: the same specs plan no changes against it.
  Run plan = h.run("plan -f specs --detailed-exitcode" + shared, kKeyEnv);
  INFO(plan.out << plan.err);
  CHECK(plan.code == 0);
  // A second copy into a store with records is refused, and changes nothing.
  Run again = h.run("state migrate --to '" + url + "'");
  CHECK(again.code != 0);
  CHECK(again.err.find("already has records") != std::string::npos);
  CHECK(h.run("history -o json" + shared).out == h.run("history -o json").out);
}

TEST_CASE("an estate applied onto PostgreSQL converges and records as on SQLite", "[ha]") {
  CliHarness h("ha-apply");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  const std::string shared = " --state '" + hx::test::freshPostgresDatabase("apply") + "'";
  Run first = h.run("apply --auto-approve -f specs" + shared, kKeyEnv);
  INFO(first.out << first.err);
  REQUIRE(first.code == 0);
  Run plan = h.run("plan -f specs --detailed-exitcode" + shared, kKeyEnv);
  CHECK(plan.code == 0);
  Json history = Json::parse(h.run("history -o json" + shared).out, nullptr, false);
  REQUIRE(history.is_array());
  REQUIRE(history.size() == 1);
  CHECK(history[0]["status"] == "succeeded");
  CHECK(h.run("state migrate --to /tmp/x.db" + shared).err.find("expected a PostgreSQL") !=
        std::string::npos);
}
