// The operator's workflow, as issue 17 found it wanting: reads that are reads, one estate per
// store, saved plans and confirmation. Whole hxctl-fake processes against a store on disk.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "small_estate_cli.h"

using namespace hx;
using hx::test::activeHosts;
using hx::test::CliHarness;
using hx::test::kKeyEnv;
using hx::test::openEstate;
using hx::test::Run;

namespace {

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

TEST_CASE(
    "with no daemon keeping the store, hosts records what it probes, plan and status record "
    "nothing, and every command then shows one status per host",
    "[cli][reads]") {
  CliHarness h("reads-outage");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  namespace fs = std::filesystem;  // a new store is private to its owner
  CHECK(fs::status(h.statePath()).permissions() ==
        (fs::perms::owner_read | fs::perms::owner_write));
  const std::string before = storeBytes(h);
  REQUIRE(hostJson(h.run("hosts -f specs --offline -o json"), "llm")["status"] == "active");

  h.world().setHost("llm", HostStatus::kDegraded);  // it starts failing
  // plan and status are reads: they leave the records as they were.
  CHECK(h.run("plan -f specs", kKeyEnv).code == 0);
  CHECK(h.run("status -f specs", kKeyEnv).code == 0);
  CHECK(storeBytes(h) == before);
  CHECK(h.run("history -o json").out.find("\"id\": 2") == std::string::npos);  // no new run

  // hosts probes; nobody else keeps the store, so what it saw is recorded for everyone.
  CHECK(hostJson(h.run("hosts -f specs -o json", kKeyEnv), "llm")["status"] == "degraded");
  CHECK(storeBytes(h) != before);
  CHECK(hostJson(h.run("hosts -f specs --offline -o json"), "llm")["status"] == "degraded");
  Json status = Json::parse(h.run("status -f specs -o json", kKeyEnv).out);
  std::string inStatus;
  for (const auto& host : status["hosts"])
    if (host["name"] == "llm") inStatus = host["status"];
  CHECK(inStatus == "degraded");
  CHECK(h.run("describe Host/llm -f specs", kKeyEnv).out.find("degraded") != std::string::npos);
  Run waited = h.run("wait Host/llm --for degraded --timeout 5s -f specs", kKeyEnv);
  CHECK(waited.code == 0);
}

TEST_CASE("a host that answers is active in hosts, status and wait alike, with no daemon",
          "[cli][reads]") {
  CliHarness h("one-status");
  h.writeSpec("estate.yaml", openEstate());
  // The host was never seen healthy; then it is installed and answers.
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  h.world().setHost("qdrant", HostStatus::kActive);
  // wait, with no daemon keeping the store, probes on its own: it does not wait for records
  // that nobody would write.
  Run waited = h.run("wait Host/qdrant --for active --timeout 20s -f specs", kKeyEnv);
  INFO(waited.out << waited.err);
  CHECK(waited.code == 0);
  CHECK(waited.err.find("no daemon keeps") != std::string::npos);
  CHECK(waited.err.find("note: no daemon keeps") == waited.err.rfind("note: no daemon keeps"));
  Json status = Json::parse(h.run("status -f specs -o json", kKeyEnv).out);
  for (const auto& host : status["hosts"])
    if (host["name"] == "qdrant") CHECK(host["status"] == "active");
  CHECK(hostJson(h.run("hosts -f specs -o json", kKeyEnv), "qdrant")["status"] == "active");

  // A task waits the same way: its checks run, and it is recorded where it stands.
  Run task = h.run("wait Task/harden --for ready --timeout 20s -f specs", kKeyEnv);
  INFO(task.out << task.err);
  CHECK(task.code == 0);
}

TEST_CASE(
    "wait on an object the specs do not declare fails at once with exit 3 and the nearest "
    "name",
    "[cli][control]") {
  CliHarness h("wait-missing");
  h.writeSpec("estate.yaml", openEstate());
  auto started = std::chrono::steady_clock::now();
  Run host = h.run("wait Host/qdrnt --for active --timeout 5m -f specs", kKeyEnv);
  Run task = h.run("wait Task/hardne --for completed --timeout 5m -f specs", kKeyEnv);
  Run kind = h.run("wait Collection/docs --for active --timeout 5m -f specs", kKeyEnv);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::minutes(1));
  CHECK(host.code == 3);
  CHECK(host.err.find("no Host \"qdrnt\" in the specs (did you mean \"qdrant\"?)") !=
        std::string::npos);
  CHECK(task.code == 3);
  CHECK(task.err.find("(did you mean \"harden\"?)") != std::string::npos);
  CHECK(kind.code == 3);
  // Without specs, the records are what it knows: an unknown name is refused the same way.
  Run records = h.run("wait Task/harden --for completed --timeout 5m");
  CHECK(records.code == 3);
  CHECK(records.err.find("in the store's records") != std::string::npos);
}

namespace {

// hxctl on a pseudo-terminal (util-linux `script`), with `input` typed into it; the terminal is
// 80 columns wide, as a default terminal is (`script` copies no size when it has none).
Run onTerminal(const CliHarness& h, const std::string& args, const std::string& input) {
  std::string out = (h.dir() / "tty.out").string();
  std::string cmd = "printf '" + input + "' | script -qec 'stty cols 80 rows 50 2>/dev/null; " +
                    h.command(args, kKeyEnv + " NO_COLOR=1") + " 2>" + out + ".err' /dev/null > " +
                    out + " 2>&1";
  int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = test::slurp(out);
  r.err = test::slurp(out + ".err");
  return r;
}

int applyCalls(CliHarness& h) {
  int n = 0;
  for (const auto& c : h.world().calls()) n += c.rfind("apply ", 0) == 0;
  return n;
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
  CHECK(declined.err.find("Apply cancelled: nothing was changed.") != std::string::npos);
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

namespace {

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// An estate directory: its hxctl.yaml and its specs.
void makeEstate(CliHarness& h, const std::string& dir, const std::string& name,
                const std::string& specs) {
  writeFile(h.dir() / dir / "hxctl.yaml", "estate: " + name +
                                              "\nspecs: [specs]\nstate: .hxctl/state.db\n" +
                                              "defaults: {parallelism: 4, lock-timeout: 5s}\n");
  writeFile(h.dir() / dir / "specs" / "estate.yaml", specs);
}

const std::string kEstateB = R"(apiVersion: hx/v1
kind: Host
metadata: {name: qdrant}
spec:
  address: 127.0.0.1
  api: {type: qdrant, url: "http://127.0.0.1:6333"}
---
apiVersion: hx/v1
kind: Collection
metadata: {name: b-only}
spec: {server: qdrant, vectors: {size: 4, distance: Dot}}
)";

}  // namespace

TEST_CASE("two estates side by side: each command finds and touches only its own store",
          "[cli][estate]") {
  CliHarness h("two-estates");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  makeEstate(h, "a", "lab-a", openEstate());
  makeEstate(h, "b", "lab-b", kEstateB);
  const auto storeA = h.dir() / "a" / ".hxctl" / "state.db";
  const auto storeB = h.dir() / "b" / ".hxctl" / "state.db";

  // No -f and no --state: hxctl.yaml says both.
  Run applyA = h.runIn("a", "apply --auto-approve", kKeyEnv);
  INFO(applyA.out << applyA.err);
  REQUIRE(applyA.code == 0);
  CHECK(std::filesystem::exists(storeA));
  CHECK_FALSE(std::filesystem::exists(storeB));
  REQUIRE(h.runIn("b", "apply --auto-approve", kKeyEnv).code == 0);
  CHECK(h.world().object("Collection", "qdrant", "b-only") != nullptr);
  CHECK(h.world().object("Collection", "qdrant", "plain") != nullptr);

  // The estate's root as a spec directory: its hxctl.yaml is config, not a spec.
  CHECK(h.runIn("a", "validate -f .").code == 0);
  // Each plans clean against its own store; from a subdirectory too (found upward).
  CHECK(h.runIn("a", "plan --detailed-exitcode", kKeyEnv).code == 0);
  CHECK(h.runIn("b/specs", "plan --detailed-exitcode", kKeyEnv).code == 0);
  Json historyA = Json::parse(h.runIn("a", "history -o json").out);
  Json historyB = Json::parse(h.runIn("b", "history -o json").out);
  CHECK(historyA.size() == 1);
  CHECK(historyB.size() == 1);

  // B's specs against A's store: refused, naming both estates, instead of a plan that destroys.
  Run crossed = h.runIn("b", "plan --prune --state " + storeA.string(), kKeyEnv);
  CHECK(crossed.code == 1);
  CHECK(crossed.out.find("to destroy") == std::string::npos);
  CHECK(crossed.err.find("belongs to the estate \"lab-a\"; these specs are the estate \"lab-b\"") !=
        std::string::npos);
  CHECK(h.runIn("b", "apply --auto-approve --prune --state " + storeA.string(), kKeyEnv).code == 1);
  CHECK(h.world().object("Collection", "qdrant", "plain") != nullptr);

  // Specs with no hxctl.yaml are known by where they are.
  writeFile(h.dir() / "loose" / "estate.yaml", kEstateB);
  Run loose = h.runIn("b", "plan -f ../loose --state " + storeA.string(), kKeyEnv);
  CHECK(loose.code == 1);
  CHECK(loose.err.find("these specs are the estate \"specs at " + (h.dir() / "loose").string() +
                       "\"") != std::string::npos);
}

TEST_CASE("the daemon's store is the one status finds with no flags", "[cli][estate]") {
  CliHarness h("estate-daemon");
  h.world().setHost("qdrant", HostStatus::kActive);
  makeEstate(h, "lab", "lab", kEstateB);
  int pid = h.startCommand(h.commandIn("lab", "daemon --interval 1h --metrics-address off"));
  REQUIRE(pid > 0);
  // The daemon's first cycle has applied; then status, run from the estate with no flags, reads
  // that store: the daemon holds it, and its run is there.
  CHECK(test::eventually(
      [&] { return h.world().object("Collection", "qdrant", "b-only") != nullptr; }, 30));
  bool found = test::eventually(
      [&] {
        Json status = Json::parse(h.runIn("lab/specs", "status -o json").out, nullptr, false);
        return status.is_object() && status["writer"].is_object() &&
               status["writer"].value("operation", "") == "daemon";
      },
      30);
  Json runs = Json::parse(h.runIn("lab", "history -o json").out, nullptr, false);
  kill(pid, SIGTERM);
  CHECK(found);
  REQUIRE(runs.is_array());
  REQUIRE_FALSE(runs.empty());
  CHECK(runs.back()["command"] == "daemon");
}

TEST_CASE("a bad hxctl.yaml is refused with its line and the nearest key", "[cli][estate]") {
  CliHarness h("estate-bad-config");
  writeFile(h.dir() / "x" / "hxctl.yaml", "estate: x\nstat: here.db\n");
  Run r = h.runIn("x", "status");
  CHECK(r.code == 1);
  CHECK(r.err.find("hxctl.yaml:2:1: unknown key \"stat\" (did you mean \"state\"?)") !=
        std::string::npos);
  writeFile(h.dir() / "y" / "hxctl.yaml", "specs: [specs]\n");
  CHECK(h.runIn("y", "status").err.find("estate: required") != std::string::npos);
  writeFile(h.dir() / "z" / "hxctl.yaml", "estate: z\ndefaults: {paralelism: 3}\n");
  CHECK(h.runIn("z", "status")
            .err.find("no flag \"paralelism\" to default (did you mean "
                      "\"parallelism\"?)") != std::string::npos);

  // A default is taken as if typed, with the flag's own checks; the line wins over it.
  makeEstate(h, "w", "w", kEstateB);
  writeFile(h.dir() / "w" / "hxctl.yaml",
            "estate: w\nspecs: specs\nstate: s.db\ndefaults: {parallelism: 0}\n");
  Run zero = h.runIn("w", "plan --offline");
  CHECK(zero.code == 1);
  CHECK(zero.err.find("hxctl.yaml: defaults.parallelism: ") != std::string::npos);
  CHECK(h.runIn("w", "plan --offline --parallelism 2").code == 0);
}

TEST_CASE("explain, describe and -o yaml let an operator discover the schema and one object",
          "[cli][discover]") {
  CliHarness h("discover");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  h.writeSpec("estate.yaml", openEstate());

  Run explain = h.run("explain Collection.vectors.distance");
  CHECK(explain.code == 0);
  CHECK(explain.out.find("FIELD:    spec.vectors.distance (required)") != std::string::npos);
  CHECK(explain.out.find("one of: Cosine, Euclid, Dot, Manhattan") != std::string::npos);
  Run typo = h.run("explain Collection.vectrs");
  CHECK(typo.code == 1);
  CHECK(typo.err.find("has no field \"vectrs\" (did you mean \"vectors\"?)") != std::string::npos);

  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  Run described = h.run("describe Collection/docs -f specs", kKeyEnv);
  INFO(described.out << described.err);
  CHECK(described.code == 0);
  CHECK(described.out.find("Declared at: ") != std::string::npos);
  CHECK(described.out.find("Plan (from the last record): no-op") != std::string::npos);
  CHECK(described.out.find("create succeeded") != std::string::npos);
  Json key = Json::parse(h.run("describe ApiKey/app -f specs -o json", kKeyEnv).out);
  CHECK(key["spec"]["secretDigest"] == "(sensitive)");
  CHECK(key["recent_actions"].size() == 1);
  CHECK(h.run("describe Collection/nope -f specs").err.find("no Collection/nope in the specs") !=
        std::string::npos);

  // -o yaml: the JSON document, as YAML; strings that YAML would read otherwise stay strings.
  Run yaml = h.run("describe ApiKey/app -f specs -o yaml", kKeyEnv);
  CHECK(yaml.code == 0);
  CHECK(yaml.out.find("resource: ApiKey/app") != std::string::npos);
  CHECK(yaml.out.find("secretDigest: (sensitive)") != std::string::npos);
  CHECK(yaml.out.rfind("{", 0) == std::string::npos);  // block style, not JSON
  CHECK(yaml.out.find("\"resource\":") == std::string::npos);
}

TEST_CASE("suspend and resume: apply and the daemon leave a suspended resource as it is",
          "[cli][control]") {
  CliHarness h("suspend");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  h.writeSpec("estate.yaml",
              std::regex_replace(openEstate(), std::regex("hnsw: \\{m: 16\\}"), "hnsw: {m: 32}"));
  Run s = h.run("suspend Collection/docs -f specs --reason reindexing", kKeyEnv);
  CHECK(s.code == 0);
  CHECK(s.out.find("Suspended Collection/docs") != std::string::npos);
  Run plan = h.run("plan -f specs", kKeyEnv);
  CHECK(std::regex_search(plan.out, std::regex("deferred: suspended by [^ ]+ since [0-9T:Z-]+: "
                                               "reindexing \\(hxctl resume Collection/docs\\)")));
  h.world().clearCalls();
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  CHECK(applyCalls(h) == 0);
  CHECK(h.run("suspend Collection/dcs -f specs").err.find("did you mean \"Collection/docs\"") !=
        std::string::npos);

  // A suspended host holds back everything on it.
  REQUIRE(h.run("suspend Host/llm -f specs", kKeyEnv).code == 0);
  CHECK(h.run("plan -f specs", kKeyEnv).out.find("host llm is suspended by") != std::string::npos);
  REQUIRE(h.run("resume Host/llm").code == 0);

  Run resumed = h.run("resume Collection/docs");
  CHECK(resumed.code == 0);
  CHECK(h.run("resume Collection/docs").err.find("is not suspended") != std::string::npos);
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  CHECK(h.waitForCall("apply update Collection/docs"));
}

TEST_CASE("wait, events and -l: block on a status, read the story, select by label",
          "[cli][control]") {
  CliHarness h("wait-events");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  std::string estate =
      std::regex_replace(fake::kSmallEstate, std::regex("metadata: \\{name: plain\\}"),
                         "metadata: {name: plain, labels: {tier: gold}}");
  h.writeSpec("estate.yaml", estate);

  Json selected = Json::parse(h.run("plan -f specs -l tier=gold -o json", kKeyEnv).out);
  REQUIRE(selected["actions"].size() == 1);
  CHECK(selected["actions"][0]["resource"] == "Collection/plain");
  CHECK(h.run("plan -f specs -l tier", kKeyEnv).err.find("expected key=value") !=
        std::string::npos);

  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  Run held = h.run("wait Task/harden --for held --timeout 5s");
  CHECK(held.code == 0);
  CHECK(held.out == "Task/harden is held\n");
  Run timeout = h.run("wait Task/harden --for=completed --timeout 1s");
  CHECK(timeout.code == 1);
  CHECK(timeout.err.find("timed out after 1s waiting for Task/harden to be completed: it is held "
                         "(held: the user deferred hardening)") != std::string::npos);

  Run events = h.run("events -f specs");
  INFO(events.out);
  CHECK(events.out.find("Collection/plain  create succeeded (run 1)") != std::string::npos);
  CHECK(events.out.find("Task/harden  first evaluated held") != std::string::npos);
  Json list = Json::parse(h.run("events -f specs -o json --limit 2").out);
  CHECK(list.size() == 2);
}

TEST_CASE("reconcile --now makes the daemon that keeps the store reconcile at once",
          "[cli][control]") {
  CliHarness h("reconcile-now");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.writeSpec("estate.yaml", kEstateB);
  CHECK(h.run("reconcile --now").err.find("no daemon keeps the store") != std::string::npos);
  int pid = h.start("daemon -f specs --interval 1h --metrics-address off");
  REQUIRE(pid > 0);
  auto cycles = [&] {
    std::string log = test::slurp(h.dir() / "bg.err");
    size_t n = 0;
    for (size_t at = log.find("cycle "); at != std::string::npos; at = log.find("cycle ", at + 1))
      ++n;
    return n;
  };
  REQUIRE(test::eventually([&] { return cycles() >= 1; }, 30));
  const size_t before = cycles();
  Run now = h.run("reconcile --now");
  CHECK(now.code == 0);
  CHECK(now.out.find("Asked the daemon (pid ") != std::string::npos);
  CHECK(test::eventually([&] { return cycles() > before; }, 30));
  kill(pid, SIGTERM);
}

TEST_CASE(
    "reconcile --now signals only this store's daemon: a lock row naming another process of the "
    "user is refused, and that process is left alone",
    "[cli][control][security]") {
  CliHarness h("reconcile-forged");
  h.writeSpec("estate.yaml", kEstateB);
  h.run("apply --auto-approve -f specs");  // the store, with its lock table
  REQUIRE(std::filesystem::exists(h.statePath()));
  // A process of ours that is not hxctl, and a forged lock row naming it as the daemon.
  pid_t victim = fork();
  if (victim == 0) {
    execlp("sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  REQUIRE(victim > 0);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  const std::string forge = "sqlite3 " + h.statePath() +
                            " \"INSERT OR REPLACE INTO lock(id, lock_id, holder, hostname, pid, "
                            "operation, started_at, heartbeat_at) VALUES (1, 'forged', 'x', '" +
                            host + "', " + std::to_string(victim) +
                            ", 'daemon', strftime('%s','now'), strftime('%s','now'))\"";
  REQUIRE(std::system(forge.c_str()) == 0);
  Run now = h.run("reconcile --now");
  INFO(now.out << now.err);
  CHECK(now.code == 1);
  CHECK(now.err.find("refusing to signal pid " + std::to_string(victim)) != std::string::npos);
  CHECK(now.err.find("not hxctl") != std::string::npos);
  // Still running: no SIGHUP reached it (sleep would have died of it).
  int status = 0;
  CHECK(waitpid(victim, &status, WNOHANG) == 0);
  kill(victim, SIGKILL);
  waitpid(victim, &status, 0);
}

namespace {

// Lines of `text` wider than `width` characters (UTF-8 code points, escapes excluded: NO_COLOR).
std::vector<std::string> widerThan(const std::string& text, size_t width) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;
    if (n > width) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("tables fit an 80-column terminal and keep every character when piped", "[cli][tables]") {
  CliHarness h("tables");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
  const std::string title =
      "Firewall the vector database so that only the application subnet reaches port 6333";
  h.writeSpec("estate.yaml",
              std::regex_replace(openEstate(), std::regex("title: Firewall the vector database"),
                                 "title: " + title));
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);

  Run piped = h.run("status -f specs");
  CHECK(piped.out.find(title) != std::string::npos);  // never cut for a script
  CHECK(piped.out.find("…") == std::string::npos);

  for (const char* command : {"status -f specs", "hosts -f specs", "keys -f specs"}) {
    INFO(command);
    Run tty = onTerminal(h, command, "");
    CHECK(tty.code == 0);
    CHECK(widerThan(tty.out, 80).empty());
    for (const auto& line : widerThan(tty.out, 80)) UNSCOPED_INFO(line);
  }
  Run tty = onTerminal(h, "status -f specs", "");
  CHECK(tty.out.find(title) == std::string::npos);
  CHECK(tty.out.find("Firewall the v") != std::string::npos);
  CHECK(tty.out.find("…") != std::string::npos);
  // Times for people on the terminal, ISO 8601 for machines.
  CHECK(std::regex_search(tty.out, std::regex("(just now|[0-9]+ s ago)")));
  Json json = Json::parse(h.run("status -f specs -o json").out);
  CHECK(std::regex_match(json["tasks"][0]["since"].get<std::string>(),
                         std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z")));
}

TEST_CASE(
    "a prerequisite with a check blocks its task while it fails, in status and describe alike, "
    "and lets it complete once it holds",
    "[cli][backlog]") {
  CliHarness h("prerequisite-checked");
  activeHosts(h);
  h.world().setHost("llm", HostStatus::kDegraded);
  h.writeSpec(
      "estate.yaml",
      openEstate() +
          hx::test::specDoc("Task", "ui",
                            "  title: the UI\n  priority: high\n  prerequisites:\n"
                            "    - a person has read the manual\n"
                            "    - {prerequisite: model server serving, check: {hostActive: "
                            "{host: llm}}}\n  completionCriteria: [vector db up]\n"
                            "  criteria: [{hostActive: {host: qdrant, proves: vector db up}}]\n"));
  REQUIRE(h.run("validate -f specs").code == 0);
  Run applied = h.run("apply --auto-approve -f specs", kKeyEnv);
  INFO(applied.out << applied.err);
  auto ui = [&](const std::string& args) {
    return hx::test::tasksById(h.run("status -f specs -o json" + args, kKeyEnv))["ui"];
  };
  Json blocked = ui("");
  INFO(blocked.dump());
  CHECK(blocked["status"] == "blocked");
  CHECK(blocked["waiting_on"] ==
        Json::array({"prerequisite not met: model server serving (hostActive Host/llm: fake "
                     "world says degraded)"}));
  CHECK(blocked["criteria"][0]["prerequisite"] == "model server serving");
  // A refresh with nothing changed, and describe, say the same.
  CHECK(ui(" --refresh")["waiting_on"] == blocked["waiting_on"]);
  Run described = h.run("describe Task/ui -f specs", kKeyEnv);
  INFO(described.out);
  CHECK(described.out.find("Status:      blocked since ") != std::string::npos);
  CHECK(described.out.find("Waiting on:\n  prerequisite not met: model server serving") !=
        std::string::npos);
  h.world().setHost("llm", HostStatus::kActive);
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  Json done = ui("");
  INFO(done.dump());
  CHECK(done["status"] == "completed");
  CHECK(done["criteria"].size() == 1);
  CHECK(done["criteria"][0]["prerequisite"].is_null());
}

TEST_CASE(
    "under umask 000 the directories and files hxctl creates stay private: the store's, its -wal, "
    "a generated key's",
    "[workflow][security]") {
  CliHarness h("umask");
  h.writeSpec("keys.yaml",
              "apiVersion: hx/v1\nkind: Role\nmetadata: {name: r}\nspec: {qdrant: {global: r}}\n"
              "---\napiVersion: hx/v1\nkind: ApiKey\nmetadata: {name: k}\n"
              "spec: {role: r, secret: {generate: true, file: keys/sub/k.secret}}\n");
  const auto dir = h.dir();
  Run r =
      h.runCommand("cd " + dir.string() + " && umask 000 && exec env HXCTL_FAKE_WORLD=world.json " +
                   "HXCTL_LOOPBACK_ONLY=1 " + HX_FAKE_BIN +
                   " apply --auto-approve -f specs --state state/nested/state.db");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  namespace fs = std::filesystem;
  auto mode = [](const fs::path& p) {
    return static_cast<int>(fs::status(p).permissions() & fs::perms::all);
  };
  for (const char* d : {"state", "state/nested", "keys", "keys/sub"}) {
    INFO(d);
    REQUIRE(fs::exists(dir / d));
    CHECK(mode(dir / d) == 0700);
  }
  for (const char* f : {"state/nested/state.db", "keys/sub/k.secret"}) {
    INFO(f);
    REQUIRE(fs::exists(dir / f));
    CHECK(mode(dir / f) == 0600);
  }
  for (const auto& e : fs::directory_iterator(dir / "state" / "nested")) {
    INFO(e.path());
    CHECK((mode(e.path()) & 0077) == 0);  // -wal and -shm too
  }
}
