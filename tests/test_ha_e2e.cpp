// hxctl on a shared PostgreSQL store (issue 21, label `ha`), as an operator drives it: a store
// migrated from SQLite reads the same, and an estate applied onto PostgreSQL plans no changes
// after. (hxctl-fake: fake providers, a real store on the tests' own PostgreSQL.)
#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>

#include "cli_harness.h"
#include "daemon_process.h"
#include "postgres_server.h"
#include "sim_process.h"
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
  // The copy carried the secret salt: the same specs plan no changes against it
  // once the host is back (while it is degraded its actions are deferred: exit 2).
  h.world().setHost("llm", HostStatus::kActive);
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

namespace {

const std::string kQdrantKey = "ha-admin-key";

std::string collectionDoc(const std::string& name) {
  return hx::test::specDoc("Collection", name,
                           "  {server: vector-db, vectors: {size: 8, distance: Cosine}}\n");
}

int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Attempts to create collection `name` the simulator saw (PUT /collections/NAME), whatever it
// answered: a second daemon applying too would show as a second PUT (answered 409).
int creates(const std::string& log, const std::string& name) {
  return hx::test::countExchanges(log, [&](const Json& e) {
    return e["method"] == "PUT" && e["path"] == "/collections/" + name;
  });
}

// The daemon (index into `daemons`) whose log says it leads in `term`; -1 when none does.
int leaderOf(std::vector<std::unique_ptr<hx::test::DaemonProcess>>& daemons, int64_t term) {
  for (size_t i = 0; i < daemons.size(); ++i)
    if (daemons[i]->log().find("leading, term " + std::to_string(term) + "\n") != std::string::npos)
      return static_cast<int>(i);
  return -1;
}

}  // namespace

TEST_CASE(
    "three daemons on one PostgreSQL store: one leads, a standby takes over, a paused leader "
    "is fenced, a restarted server is survived",
    "[ha]") {
  const std::string exchanges = hx::test::freshExchangeLog("ha_daemons");
  hx::test::SimProcess sim({{"--qdrant", "{PORT}", "--api-key", kQdrantKey}}, exchanges);
  CliHarness h("ha-daemons", HX_BIN);
  const std::string url = hx::test::freshPostgresDatabase("daemons");
  const std::string env = "HX_HA_KEY=" + kQdrantKey;
  h.writeSpec("estate.yaml",
              hx::test::specDoc("Host", "vector-db",
                                "  address: 127.0.0.1\n  api: {type: qdrant, url: \"" + sim.url(0) +
                                    "\", auth: {env: HX_HA_KEY}}\n  health: {interval: 1s}\n") +
                  collectionDoc("a"));
  constexpr int64_t kLeaseMs = 2000;
  std::vector<std::unique_ptr<hx::test::DaemonProcess>> daemons;
  std::vector<int> ports;
  for (int i = 0; i < 3; ++i) {
    ports.push_back(hx::test::freePort());
    daemons.push_back(std::make_unique<hx::test::DaemonProcess>(
        h,
        "-f specs --state '" + url + "' --interval 5s --lease-duration 2s --metrics-address " +
            "127.0.0.1:" + std::to_string(ports.back()),
        env));
  }

  // Exactly one leads, and only it reconciles: collection a is created once.
  REQUIRE(hx::test::eventually([&] { return leaderOf(daemons, 1) >= 0; }, 30));
  const int first = leaderOf(daemons, 1);
  REQUIRE(daemons[first]->waitLog("cycle 1 ", 30));
  REQUIRE(hx::test::eventually([&] { return creates(exchanges, "a") == 1; }, 30));
  for (int i = 0; i < 3; ++i)
    if (i != first) CHECK(daemons[i]->waitLog("standby: ", 10));
  // Every daemon answers its probes; a standby's /readyz says who leads.
  for (int i = 0; i < 3; ++i) {
    auto ready = hx::test::httpGet("http://127.0.0.1:" + std::to_string(ports[i]) + "/readyz");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    if (i != first) CHECK(ready->body.find("ready: a standby; ") == 0);
    CHECK(hx::test::metricsOf(ports[i]).find(std::string("hxctl_leader{instance=\"")) !=
          std::string::npos);
  }
  h.writeSpec("b.yaml", collectionDoc("b"));
  REQUIRE(hx::test::eventually([&] { return creates(exchanges, "b") == 1; }, 30));

  // kill -9 of the leader: a standby leads within the lease and one renewal.
  const int64_t killed = wallMs();
  daemons[first]->signal(SIGKILL);
  REQUIRE(hx::test::eventually([&] { return leaderOf(daemons, 2) >= 0; }, 30));
  const int64_t tookOver = wallMs() - killed;
  const int second = leaderOf(daemons, 2);
  std::cout << "ha: leader killed (SIGKILL) -> a standby leads after " << tookOver
            << " ms (lease 2000 ms, renewal every 666 ms)\n";
  CHECK(second != first);
  CHECK(tookOver < kLeaseMs + 666 + 2000);
  h.writeSpec("c.yaml", collectionDoc("c"));
  REQUIRE(hx::test::eventually([&] { return creates(exchanges, "c") == 1; }, 30));

  // SIGSTOP of the leader past its lease: the third takes over; the paused one, woken, writes
  // nothing, steps down and stands by.
  daemons[second]->signal(SIGSTOP);
  // Generous: under ASan with the suite running beside it, this took over 30 s once (issue 38
  // is to drive these waits from observable conditions and an injected clock).
  REQUIRE(hx::test::eventually([&] { return leaderOf(daemons, 3) >= 0; }, 90));
  const int third = leaderOf(daemons, 3);
  CHECK(third != second);
  CHECK(third != first);
  h.writeSpec("d.yaml", collectionDoc("d"));
  REQUIRE(hx::test::eventually([&] { return creates(exchanges, "d") == 1; }, 30));
  const int64_t resumed = wallMs() / 1000;
  daemons[second]->signal(SIGCONT);
  CHECK(daemons[second]->waitLog("lost the lease (term 2)", 15));
  CHECK(daemons[second]->waitLog("rejoining as a standby", 15));
  Json history =
      Json::parse(h.run("history --limit 100 -o json --state '" + url + "'").out, nullptr, false);
  REQUIRE(history.is_array());
  const std::string log2 = daemons[second]->log();
  const auto pidAt = log2.find("started: pid ");
  REQUIRE(pidAt != std::string::npos);
  const int pid2 = std::atoi(log2.c_str() + pidAt + 13);
  for (const auto& run : history) {
    if (run["pid"] != pid2) continue;
    std::tm tm{};
    strptime(run["started_at"].get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    CHECK(timegm(&tm) < resumed);  // no run of the fenced leader after it woke
  }

  // The server restarts in the middle of a cycle (a create held 1.5 s at the simulator): the
  // daemons reconnect, and the leader converges without anyone's help.
  sim.admin(0, "faults", R"({"latency_ms": 1500})");
  h.writeSpec("e.yaml", collectionDoc("e"));
  REQUIRE(daemons[third]->waitLog("Collection/e: create started", 30));
  const std::string restart =
      "/bin/bash " + std::string(HX_SOURCE_DIR) + "/tests/ha/postgres.sh restart " + HX_PG_DIR;
  REQUIRE(std::system(restart.c_str()) == 0);
  sim.admin(0, "faults", R"({"latency_ms": 0})");
  REQUIRE(hx::test::eventually([&] { return creates(exchanges, "e") == 1; }, 45));
  // Nobody steps in: the leader's next cycle (--interval 5s) finds the estate converged.
  REQUIRE(hx::test::eventually(
      [&] {
        return h.run("plan -f specs --detailed-exitcode --state '" + url + "'", env).code == 0;
      },
      60));
  for (const char* name : {"a", "b", "c", "d", "e"}) CHECK(creates(exchanges, name) == 1);
  // Manual commands meanwhile: apply is refused, naming the leader; status reads the store.
  Run apply = h.run("apply --auto-approve -f specs --state '" + url + "'", env);
  CHECK(apply.code == 4);
  CHECK(apply.err.find("hxctl daemon (pid ") != std::string::npos);
  Json status =
      Json::parse(h.run("status -f specs -o json --state '" + url + "'", env).out, nullptr, false);
  REQUIRE(status.is_object());
  CHECK(status["writer"]["operation"] == "daemon");
  CHECK(status["leader"]["term"] == 3);  // status names the leader
  CHECK(daemons[third]->log().find(status["leader"]["holder"].get<std::string>()) !=
        std::string::npos);
}

TEST_CASE(
    "reconcile --now on a shared store signals the daemon that published the lock, and refuses "
    "a row that names any other hxctl daemon",
    "[ha][control][security]") {
  const std::string url = hx::test::freshPostgresDatabase("reconcile_now");
  const std::string shared = " --state '" + url + "'";
  CliHarness h("ha-reconcile-now");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  hx::test::DaemonProcess keeper(h, "-f specs --interval 60s --metrics-address off" + shared,
                                 kKeyEnv);
  REQUIRE(keeper.waitLog("cycle ", 60));
  // Another estate's daemon on the same machine, of the same user: a real hxctl daemon, started
  // before any forged row, so only what it published tells it apart.
  CliHarness other("ha-reconcile-other");
  activeHosts(other);
  other.writeSpec("estate.yaml", openEstate());
  hx::test::DaemonProcess bystander(other, "-f specs --interval 60s --metrics-address off",
                                    kKeyEnv);
  REQUIRE(bystander.waitLog("cycle ", 60));

  Run now = h.run("reconcile --now" + shared);
  INFO(now.out << now.err);
  CHECK(now.code == 0);
  CHECK(now.out.find("Asked the daemon (pid " + std::to_string(keeper.pid()) + ")") !=
        std::string::npos);
  REQUIRE(keeper.waitLog("SIGHUP: reloading", 30));

  // Whoever may write the shared store points the lock row at the other daemon.
  PGconn* conn = PQconnectdb(url.c_str());
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  PGresult* r = PQexec(conn, ("UPDATE lock SET pid = " + std::to_string(bystander.pid())).c_str());
  const bool updated = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  PQfinish(conn);
  REQUIRE(updated);
  Run forged = h.run("reconcile --now" + shared);
  INFO(forged.out << forged.err);
  CHECK(forged.code == 1);
  CHECK(forged.err.find("refusing to signal pid " + std::to_string(bystander.pid())) !=
        std::string::npos);
  CHECK(forged.err.find("published another lock than the one the store names") !=
        std::string::npos);
  CHECK(bystander.log().find("SIGHUP") == std::string::npos);
}
