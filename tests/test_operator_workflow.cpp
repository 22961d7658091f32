// The operator's workflow, as issue 17 found it wanting: reads that are reads, one estate per
// store, saved plans and confirmation. Whole hxctl-fake processes against a store on disk.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "cli_harness.h"
#include "fakes/estate_fixture.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::Run;

namespace {

const std::string kKeyEnv = "HX_TEST_APP_KEY=sekret-value-0123456789";

std::string openEstate() {
  std::string text = fake::kSmallEstate;
  return std::regex_replace(text, std::regex("  hold: \\{reason: the user deferred hardening\\}\n"),
                            "");
}

// The store's files, byte for byte: what a read must leave as it found it.
std::string storeBytes(const CliHarness& h) {
  std::string all;
  for (const char* suffix : {"", "-wal"}) {
    auto path = std::filesystem::path(h.statePath() + suffix);
    if (std::filesystem::exists(path)) all += test::slurp(path);
    all += '\0';
  }
  return all;
}

Json hostJson(const Run& hosts, const std::string& name) {
  Json all = Json::parse(hosts.out, nullptr, false);
  if (all.is_array())
    for (const auto& h : all)
      if (h.value("name", "") == name) return h;
  return Json();
}

}  // namespace

TEST_CASE("read-only commands on a machine with no store create none and say there are no records",
          "[cli][reads]") {
  CliHarness h("reads-nostore");
  h.writeSpec("estate.yaml", openEstate());
  for (const char* command : {"status -f specs", "hosts -f specs --offline", "keys -f specs",
                              "history", "plan -f specs", "report -f specs"}) {
    INFO(command);
    Run r = h.run(command, kKeyEnv);
    CHECK(r.code == 0);
    CHECK_FALSE(std::filesystem::exists(h.statePath()));
    if (std::string(command) != "plan -f specs")
      CHECK(r.err.find("no records yet at state.db: run apply or start the daemon") !=
            std::string::npos);
  }
}

TEST_CASE("hosts, plan and status during an outage change no host status, breaker or record",
          "[cli][reads]") {
  CliHarness h("reads-outage");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs --auto-approve", kKeyEnv).code == 0);
  const std::string before = storeBytes(h);
  REQUIRE(hostJson(h.run("hosts -f specs --offline -o json"), "llm")["status"] == "active");

  h.world().setHost("llm", HostStatus::kDegraded);  // it starts failing
  for (int i = 0; i < 4; ++i)  // each read sees it, and keeps what it saw to itself
    CHECK(hostJson(h.run("hosts -f specs -o json", kKeyEnv), "llm")["status"] == "degraded");
  CHECK(h.run("plan -f specs", kKeyEnv).code == 0);
  CHECK(h.run("status -f specs", kKeyEnv).code == 0);
  CHECK(storeBytes(h) == before);
  Json recorded = hostJson(h.run("hosts -f specs --offline -o json"), "llm");
  CHECK(recorded["status"] == "active");
  CHECK(recorded["breaker"] == "closed");
  CHECK(h.run("history -o json").out.find("\"id\": 2") == std::string::npos);  // no new run

  // The explicit write: --record keeps what it saw, for everyone.
  CHECK(h.run("hosts -f specs --record", kKeyEnv).code == 0);
  CHECK(storeBytes(h) != before);
  CHECK(hostJson(h.run("hosts -f specs --offline -o json"), "llm")["status"] == "degraded");
}

namespace {

// hxctl on a pseudo-terminal (util-linux `script`), with `input` typed into it.
Run onTerminal(const CliHarness& h, const std::string& args, const std::string& input) {
  std::string out = (h.dir() / "tty.out").string();
  std::string cmd = "printf '" + input + "' | script -qec '" +
                    h.command(args, kKeyEnv + " NO_COLOR=1") + "' /dev/null > " + out + " 2>&1";
  int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = test::slurp(out);
  return r;
}

int applyCalls(CliHarness& h) {
  int n = 0;
  for (const auto& c : h.world().calls()) n += c.rfind("apply ", 0) == 0;
  return n;
}

void activeHosts(CliHarness& h) {
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
}

}  // namespace

TEST_CASE("apply on a terminal shows the plan and asks, and anything but yes changes nothing",
          "[cli][approve]") {
  CliHarness h("approve");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  Run declined = onTerminal(h, "apply -f specs", "no\\n");
  INFO(declined.out);
  CHECK(declined.code == 1);
  CHECK(declined.out.find("+ Collection/plain") != std::string::npos);  // the plan, first
  CHECK(declined.out.find("Only 'yes' will be accepted to approve.") != std::string::npos);
  CHECK(declined.out.find("Apply cancelled: nothing was changed.") != std::string::npos);
  CHECK(applyCalls(h) == 0);
  Json runs = Json::parse(h.run("history -o json").out);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["status"] == "declined");

  Run accepted = onTerminal(h, "apply -f specs", "yes\\n");
  INFO(accepted.out);
  CHECK(accepted.code == 0);
  CHECK(applyCalls(h) == 6);
  CHECK(h.run("plan -f specs --detailed-exitcode", kKeyEnv).code == 0);

  // Nothing to change: nothing to approve, and no question.
  Run noop = onTerminal(h, "apply -f specs", "");
  CHECK(noop.code == 0);
  CHECK(noop.out.find("Enter a value") == std::string::npos);
}

TEST_CASE("apply with nobody to ask refuses, unless --auto-approve", "[cli][approve]") {
  CliHarness h("approve-script");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  Run piped = h.run("apply -f specs", kKeyEnv);  // stdin is not a terminal
  CHECK(piped.code == 1);
  CHECK(piped.err.find("there is no terminal to ask on: pass --auto-approve, or save a plan") !=
        std::string::npos);
  Run json = h.run("apply -f specs -o json", kKeyEnv);
  CHECK(json.code == 1);
  CHECK(Json::parse(json.out, nullptr, false).value("exitCode", -1) == 1);
  CHECK_FALSE(std::filesystem::exists(h.statePath()));  // refused before touching anything
  CHECK(applyCalls(h) == 0);
  CHECK(h.run("apply -f specs -auto-approve", kKeyEnv).code == 0);  // Terraform's spelling too
  CHECK(applyCalls(h) == 6);
}

TEST_CASE("a saved plan applied unchanged does exactly what it showed", "[cli][saved-plan]") {
  CliHarness h("saved-plan");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  Run planned = h.run("plan -f specs --out estate.plan -o json", kKeyEnv);
  REQUIRE(planned.code == 0);
  const Json plan = Json::parse(planned.out);
  std::set<std::string> shown;
  for (const auto& a : plan["actions"])
    if (a["action"] == "create") shown.insert("apply create " + a["resource"].get<std::string>());
  REQUIRE(shown.size() == 6);
  const std::string file = test::slurp(h.dir() / "estate.plan");
  CHECK(file.find("sekret-value") == std::string::npos);  // no secret in the file

  h.world().clearCalls();
  Run applied = h.run("apply estate.plan", kKeyEnv);  // no question: the plan was the review
  INFO(applied.out << applied.err);
  CHECK(applied.code == 0);
  std::set<std::string> done;
  for (const auto& c : h.world().calls())
    if (c.rfind("apply ", 0) == 0) done.insert(c);
  CHECK(done == shown);
  CHECK(h.run("plan -f specs --detailed-exitcode", kKeyEnv).code == 0);
}

TEST_CASE("a saved plan is refused, naming what changed, when the specs or the estate moved on",
          "[cli][saved-plan]") {
  CliHarness h("saved-plan-stale");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("plan -f specs --out estate.plan", kKeyEnv).code == 0);

  SECTION("a spec changed") {
    std::string changed = std::regex_replace(openEstate(), std::regex("size: 8, distance: Dot"),
                                             "size: 16, distance: Dot");
    h.writeSpec("estate.yaml", changed);
    Run r = h.run("apply estate.plan", kKeyEnv);
    CHECK(r.code == 1);
    CHECK(r.err.find("the saved plan estate.plan is stale, so nothing was applied") !=
          std::string::npos);
    CHECK(r.err.find("the spec of Collection/plain changed") != std::string::npos);
  }
  SECTION("someone created a planned object by hand") {
    h.world().putObject("Collection", "qdrant", "plain", Json{{"vectors", {{"size", 8}}}});
    Run r = h.run("apply estate.plan", kKeyEnv);
    CHECK(r.code == 1);
    CHECK(r.err.find("planned Collection/plain (create), now") != std::string::npos);
  }
  SECTION("a host went down") {
    h.world().setHost("llm", HostStatus::kPendingInstallation);
    Run r = h.run("apply estate.plan", kKeyEnv);
    CHECK(r.code == 1);
    CHECK(r.err.find("planned Model/embed (create), now Model/embed (deferred)") !=
          std::string::npos);
  }
  SECTION("flags that would change it") {
    Run r = h.run("apply estate.plan -f specs", kKeyEnv);
    CHECK(r.code == 1);
    CHECK(r.err.find("a saved plan fixes its specs and options") != std::string::npos);
    CHECK(h.run("apply estate.plan --prune", kKeyEnv).code == 1);
  }
  SECTION("not a plan") {
    std::ofstream(h.dir() / "junk.plan") << "{\"format\": \"something else\"}";
    Run r = h.run("apply junk.plan", kKeyEnv);
    CHECK(r.code == 1);
    CHECK(r.err.find("junk.plan: not a plan hxctl saved") != std::string::npos);
  }
  CHECK(applyCalls(h) == 0);
}
