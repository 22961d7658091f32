// hxctl as operators and scripts see it: whole processes, exit codes, the store on disk.
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <regex>

#include "small_estate_cli.h"
#include "src/cli/render.h"

extern char** environ;

using namespace hx;
using hx::test::activeHosts;
using hx::test::CliHarness;
using hx::test::kKeyEnv;
using hx::test::openEstate;
using hx::test::Run;

namespace {

int countCalls(CliHarness& h, const std::string& prefix) {
  int n = 0;
  for (const auto& c : h.world().calls()) n += c.rfind(prefix, 0) == 0;
  return n;
}

}  // namespace

TEST_CASE("apply twice: the second plan is No changes and the second apply changes nothing",
          "[cli]") {
  CliHarness h("twice");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  Run before = h.run("plan -f specs --detailed-exitcode", kKeyEnv);
  CHECK(before.code == 2);
  CHECK(before.out.find("Plan: 6 to add, 0 to change, 0 to replace, 0 to destroy, 0 deferred.") !=
        std::string::npos);
  Run first = h.run("apply --auto-approve -f specs", kKeyEnv);
  INFO(first.out << first.err);
  CHECK(first.code == 0);
  CHECK(countCalls(h, "apply create") == 6);
  h.world().clearCalls();
  Run plan = h.run("plan -f specs --detailed-exitcode", kKeyEnv);
  CHECK(plan.code == 0);
  CHECK(plan.out.find("No changes.") != std::string::npos);
  Run second = h.run("apply --auto-approve -f specs", kKeyEnv);
  CHECK(second.code == 0);
  CHECK(countCalls(h, "apply ") == 0);
}

TEST_CASE(
    "plan --detailed-exitcode exits 2 whenever the estate is not converged: refused, orphaned, "
    "needing --allow-replace, deferred",
    "[cli]") {
  CliHarness h("not-converged");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  REQUIRE(h.run("plan -f specs --detailed-exitcode", kKeyEnv).code == 0);

  // An immutable field changed: a replacement only --allow-replace may make (marked !).
  std::string wider = std::regex_replace(openEstate(), std::regex("size: 8, distance: Dot"),
                                         "size: 16, distance: Dot");
  h.writeSpec("estate.yaml", wider);
  Run replace = h.run("plan -f specs --detailed-exitcode", kKeyEnv);
  INFO(replace.out << replace.err);
  CHECK(replace.code == 2);
  CHECK(replace.out.find("No changes.") == std::string::npos);
  CHECK(replace.out.find("1 refused.") != std::string::npos);

  // The objects of a kind could not be observed: nothing is known, nothing is converged.
  h.writeSpec("estate.yaml", openEstate());
  h.world().failObserve("Collection", "qdrant");
  Run blind = h.run("plan -f specs --detailed-exitcode", kKeyEnv);
  INFO(blind.out << blind.err);
  CHECK(blind.code == 2);
  CHECK(blind.out.find("No changes.") == std::string::npos);

  // A collection hxctl created and the specs no longer declare, left in place (marked ?).
  CliHarness o("orphaned");
  activeHosts(o);
  o.writeSpec("estate.yaml", openEstate());
  REQUIRE(o.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  std::string without = std::regex_replace(
      openEstate(),
      std::regex("apiVersion: hx/v1\nkind: Collection\nmetadata: \\{name: plain\\}\nspec:\n"
                 "  server: qdrant\n  vectors: \\{size: 8, distance: Dot\\}\n---\n"),
      "");
  REQUIRE(without != openEstate());
  o.writeSpec("estate.yaml", without);
  Run orphan = o.run("plan -f specs --detailed-exitcode", kKeyEnv);
  INFO(orphan.out << orphan.err);
  CHECK(orphan.code == 2);
  CHECK(orphan.out.find("1 orphaned.") != std::string::npos);

  // Work waiting on a host is not converged either.
  CliHarness d("deferred-plan");
  d.world().setHost("qdrant", HostStatus::kActive);
  d.writeSpec("estate.yaml", openEstate());
  REQUIRE(d.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  Run deferred = d.run("plan -f specs --detailed-exitcode", kKeyEnv);
  CHECK(deferred.code == 2);
  CHECK(deferred.out.find("3 deferred.") != std::string::npos);
}

TEST_CASE("a failure in one branch leaves the others applied and every result recorded", "[cli]") {
  CliHarness h("partial");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  h.world().failApply("Model/embed", ErrorKind::kTerminal);
  Run r = h.run("apply --auto-approve -f specs", kKeyEnv);
  INFO(r.out << r.err);
  CHECK(r.code == 5);
  CHECK(r.out.find("Applied: 4 succeeded, 1 failed, 1 skipped.") != std::string::npos);
  CHECK(h.world().object("Collection", "qdrant", "plain") != nullptr);
  CHECK(h.world().object("Collection", "qdrant", "docs") == nullptr);

  Run history = h.run("history 1 -o json");
  Json run = Json::parse(history.out);
  CHECK(run["status"] == "partial");
  CHECK(run["exit_code"] == 5);
  std::map<std::string, std::string> status;
  for (const auto& a : run["actions"]) status[a["resource"]] = a["status"];
  CHECK(status["Model/embed"] == "failed");
  CHECK(status["Collection/docs"] == "skipped");
  CHECK(status["Collection/plain"] == "succeeded");

  h.world().failApply("Model/embed", ErrorKind::kTerminal, 0);
  CHECK(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  CHECK(h.run("plan -f specs", kKeyEnv).out.find("No changes.") != std::string::npos);
}

TEST_CASE("a process killed mid-apply leaves a store the next run converges from", "[cli]") {
  CliHarness h("killed");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  // The effect lands, then the process dies before recording it: the worst moment.
  h.world().delayApply("Collection/plain", 0, 30000);
  int pid = h.start("apply --auto-approve -f specs --parallelism 1", kKeyEnv);
  REQUIRE(pid > 0);
  REQUIRE(h.waitForCall("apply create Collection/plain"));
  usleep(300000);
  REQUIRE(kill(pid, SIGKILL) == 0);
  usleep(200000);
  h.world().delayApply("Collection/plain", 0, 0);
  REQUIRE(h.world().object("Collection", "qdrant", "plain") != nullptr);

  // The holder's process is gone from this machine: the next apply breaks its lock by itself,
  // and says so.
  Run next = h.run("apply --auto-approve -f specs", kKeyEnv);
  INFO(next.out << next.err);
  CHECK(next.code == 0);
  CHECK(next.err.find("warning: breaking a stale lock: ") != std::string::npos);
  CHECK(next.err.find("its process is gone from this machine") != std::string::npos);
  // Said once: it was both logged and printed, so stderr showed it twice.
  size_t said = 0;
  for (size_t at = next.err.find("breaking a stale lock"); at != std::string::npos;
       at = next.err.find("breaking a stale lock", at + 1))
    ++said;
  CHECK(said == 1);
  CHECK(next.err.find("were interrupted") != std::string::npos);
  CHECK(next.out.find("Collection/plain") == std::string::npos);  // recorded intent: no conflict
  CHECK(h.run("plan -f specs", kKeyEnv).out.find("No changes.") != std::string::npos);
  Json runs = Json::parse(h.run("history -o json").out);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1]["status"] == "interrupted");
  Json killed =
      Json::parse(h.run("history " + std::to_string(runs[1]["id"].get<int>()) + " -o json").out);
  bool sawInterrupted = false;
  for (const auto& a : killed["actions"])
    sawInterrupted |= a["resource"] == "Collection/plain" && a["status"] == "interrupted";
  CHECK(sawInterrupted);
}

TEST_CASE("a second concurrent apply is refused and names the holder, or waits with a timeout",
          "[cli]") {
  CliHarness h("concurrent");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  h.world().delayApply("Collection/plain", 2000, 0);
  int pid = h.start("apply --auto-approve -f specs", kKeyEnv);
  REQUIRE(h.waitForCall("apply create Collection/plain"));
  Run second = h.run("apply --auto-approve -f specs", kKeyEnv);
  CHECK(second.code == 4);
  CHECK(second.err.find("the state store is locked: lock ") != std::string::npos);
  CHECK(second.err.find("(apply, pid " + std::to_string(pid) + " on ") != std::string::npos);
  CHECK(second.err.find("Wait for it to finish, or pass --lock-timeout to wait.") !=
        std::string::npos);
  // The holder is alive: force-unlock refuses without --force.
  std::smatch m;
  REQUIRE(std::regex_search(second.err, m, std::regex("lock ([0-9a-f]{12}) held by")));
  Run unlock = h.run("force-unlock " + m[1].str());
  CHECK(unlock.code == 4);
  CHECK(unlock.err.find("that process is still running") != std::string::npos);
  // Plans are readers: they do not wait for the lock.
  CHECK(h.run("plan -f specs", kKeyEnv).code == 0);
  Run waited = h.run("apply --auto-approve -f specs --lock-timeout 30s", kKeyEnv);
  CHECK(waited.code == 0);
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST_CASE("no secret value appears in output, JSON, history or the database", "[cli][secrets]") {
  CliHarness h("secrets");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  const std::string secret = "sekret-value-0123456789";
  std::string all;
  for (const char* args : {"validate -f specs", "plan -f specs", "plan -f specs -o json",
                           "apply --auto-approve -f specs", "history", "history 1 -o json"}) {
    Run r = h.run(args, kKeyEnv);
    all += r.out + r.err;
  }
  // Rotate the key: the plan says it changes without showing either value.
  Run rotated = h.run("plan -f specs", "HX_TEST_APP_KEY=another-sekret-9876543210");
  CHECK(rotated.out.find("secretDigest: (sensitive) changed") != std::string::npos);
  all += rotated.out + rotated.err +
         h.run("apply --auto-approve -f specs -o json", "HX_TEST_APP_KEY=another-sekret-9876543210")
             .out;
  CHECK(all.find(secret) == std::string::npos);
  CHECK(all.find("another-sekret-9876543210") == std::string::npos);
  for (const char* file : {"state.db", "state.db-wal"}) {
    std::string bytes = test::slurp(h.dir() / file);
    CHECK(bytes.find(secret) == std::string::npos);
    CHECK(bytes.find("another-sekret") == std::string::npos);
  }
}

TEST_CASE("invalid specs exit 3 with file:line:col and change nothing", "[cli]") {
  CliHarness h("invalid");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  h.writeSpec("broken.yaml",
              "apiVersion: hx/v1\nkind: Model\nmetadata: {name: m}\nspec: {host: nowhere, model: "
              "x, capability: generate}\n");
  Run r = h.run("apply --auto-approve -f specs", kKeyEnv);
  CHECK(r.code == 3);
  CHECK(r.err.find("specs/broken.yaml:4:14: Model/m spec.host: refers to unknown Host/nowhere") !=
        std::string::npos);
  CHECK(h.world().calls().empty());
  CHECK_FALSE(std::filesystem::exists(h.dir() / "state.db"));
  Run json = h.run("validate -f specs -o json");
  CHECK(json.code == 3);
  Json v = Json::parse(json.out);
  CHECK(v["valid"] == false);
  CHECK(v["errors"][0]["line"] == 4);
  CHECK(v["errors"][0]["column"] == 14);
  CHECK(v["errors"][0]["path"] == "Model/m spec.host");
}

TEST_CASE("prune deletes what hxctl created and leaves objects made by hand", "[cli]") {
  CliHarness h("prune");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  h.world().putObject("Collection", "qdrant", "by-hand",
                      {{"vectors", {{"size", 3}, {"distance", "Dot"}}}});
  std::string text = openEstate();
  auto cut = text.find("apiVersion: hx/v1\nkind: Collection\nmetadata: {name: plain}");
  auto end = text.find("---", cut);
  h.writeSpec("estate.yaml", text.substr(0, cut) + text.substr(end + 4));
  Run keep = h.run("plan -f specs", kKeyEnv);
  CHECK(keep.out.find("? Collection/plain") != std::string::npos);
  CHECK(keep.out.find("re-run with --prune to delete it") != std::string::npos);
  Run pruned = h.run("apply --auto-approve -f specs --prune", kKeyEnv);
  CHECK(pruned.code == 0);
  CHECK(h.world().object("Collection", "qdrant", "plain") == nullptr);
  CHECK(h.world().object("Collection", "qdrant", "by-hand") != nullptr);
  CHECK(h.run("apply --auto-approve -f specs --prune", kKeyEnv).out.find("by-hand") ==
        std::string::npos);
}

TEST_CASE("offline plans use the last observations and call no provider", "[cli]") {
  CliHarness h("offline");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  h.world().clearCalls();
  h.world().setHost("llm", HostStatus::kPendingInstallation);  // offline must not notice
  Run offline = h.run("plan -f specs --offline --detailed-exitcode", kKeyEnv);
  CHECK(offline.code == 0);
  CHECK(offline.out.find("No changes.") != std::string::npos);
  CHECK(h.world().calls().empty());
}

TEST_CASE("deferred items get their own exit code with --detailed-exitcode", "[cli]") {
  CliHarness h("deferred");
  h.world().setHost("qdrant", HostStatus::kActive);
  h.writeSpec("estate.yaml", openEstate());
  Run r = h.run("apply --auto-approve -f specs --detailed-exitcode", kKeyEnv);
  INFO(r.out << r.err);
  CHECK(r.code == 6);
  CHECK(r.out.find("deferred: host llm is pending_installation (never seen healthy)") !=
        std::string::npos);
  CHECK(h.world().object("Collection", "qdrant", "plain") != nullptr);
  Json history = Json::parse(h.run("history 1 -o json").out);
  int deferred = 0;
  for (const auto& a : history["actions"]) deferred += a["status"] == "deferred";
  CHECK(deferred == 3);  // Model/embed, Model/chat, Collection/docs
}

TEST_CASE("text output is colored only on a TTY and never with NO_COLOR", "[cli]") {
  CliHarness h("color");
  h.writeSpec("estate.yaml", openEstate());
  Run piped = h.run("plan -f specs", kKeyEnv);
  CHECK(piped.out.find("\033[") == std::string::npos);
  unsetenv("NO_COLOR");
  CHECK(detectStyle(true, false).color);
  CHECK_FALSE(detectStyle(false, false).color);
  CHECK_FALSE(detectStyle(true, true).color);
  setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(detectStyle(true, false).color);
  unsetenv("NO_COLOR");
}

namespace {
// Starts `hxctl-fake args` as the leader of a process group of its own, as a shell does for a
// foreground job, so that a signal can be sent to the group as a terminal sends Ctrl-C.
pid_t startInGroup(const CliHarness& h, const std::string& args, const std::string& env,
                   const std::string& outPath) {
  std::string cmd = h.command(args, env) + " > " + outPath + " 2> " + outPath + ".err";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  posix_spawn(&pid, "/bin/sh", nullptr, &attr, const_cast<char**>(argv), environ);
  posix_spawnattr_destroy(&attr);
  return pid;
}

int exitCodeOf(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

TEST_CASE(
    "Ctrl-C mid-apply finishes the action in flight, cancels the rest, releases the lock "
    "and exits 130, and a second one stops at once",
    "[cli][interrupt]") {
  for (int signals : {1, 2}) {
    CliHarness h("interrupt-" + std::to_string(signals));
    activeHosts(h);
    h.writeSpec("estate.yaml", openEstate());
    h.world().delayApply("Collection/plain", 0, 1500);
    std::string out = (h.dir() / "apply.out").string();
    pid_t pid = startInGroup(h, "apply --auto-approve -f specs --parallelism 1", kKeyEnv, out);
    REQUIRE(pid > 0);
    REQUIRE(h.waitForCall("apply create Collection/plain"));
    REQUIRE(kill(-pid, SIGINT) == 0);  // to the group, as a terminal does
    if (signals == 2) {
      usleep(200000);
      REQUIRE(kill(-pid, SIGINT) == 0);
    }
    int code = exitCodeOf(pid);
    std::string err = hx::test::slurp(out + ".err");
    INFO(hx::test::slurp(out) << err);
    CHECK(code == 130);
    if (signals == 1) {
      CHECK(err.find("SIGINT: finishing the actions in flight") != std::string::npos);
      CHECK(err.find("Interrupted (SIGINT): ") != std::string::npos);
      CHECK(err.find("cancelled") != std::string::npos);
      // The action in flight finished; nothing started after the signal.
      CHECK(h.world().object("Collection", "qdrant", "plain") != nullptr);
    } else {
      CHECK(err.find("SIGINT again: stopping now") != std::string::npos);
    }
    // No manual step: the lock is free, and the next apply converges.
    Run next = h.run("apply --auto-approve -f specs", kKeyEnv);
    INFO(next.out << next.err);
    CHECK(next.code == 0);
    CHECK(next.err.find("breaking a stale lock") == std::string::npos);
    CHECK(h.run("plan -f specs --detailed-exitcode", kKeyEnv).code == 0);
    Json runs = Json::parse(h.run("history -o json").out);
    REQUIRE(runs.size() >= 2);
    for (const auto& r : runs) CHECK(r["status"] != "running");
    // History records what the shell saw: interrupted, exit 130, once per interrupted run.
    int interrupted = 0;
    for (const auto& r : runs)
      if (r["status"] == "interrupted") {
        ++interrupted;
        CHECK(r["exit_code"] == 130);
      }
    CHECK(interrupted == 1);
  }
}

TEST_CASE("prune refuses to delete what a spec file declared when the whole file is gone",
          "[cli][prune]") {
  CliHarness h("vanished-file");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  h.writeSpec("archive.yaml",
              hx::test::specDoc("Collection", "archive",
                                "  {server: qdrant, vectors: {size: 8, distance: Dot}}\n"));
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv).code == 0);
  REQUIRE(h.world().object("Collection", "qdrant", "archive") != nullptr);

  // One collection of three: no mass prune, but its whole file went away.
  h.removeSpec("archive.yaml");
  Run refused = h.run("apply --auto-approve -f specs --prune", kKeyEnv);
  INFO(refused.out << refused.err);
  CHECK(refused.code == 5);
  CHECK(refused.out.find(
            "refused: --prune would delete it because " +
            std::filesystem::weakly_canonical(h.dir() / "specs" / "archive.yaml").string() +
            ", which declared it at the last apply, is no longer among the specs") !=
        std::string::npos);
  CHECK(h.world().object("Collection", "qdrant", "archive") != nullptr);
  // Named by an absolute path instead of a relative one: the same file, the same verdict.
  Run elsewhere =
      h.run("apply --auto-approve -f " + (h.dir() / "specs").string() + " --prune", kKeyEnv);
  CHECK(elsewhere.code == 5);
  CHECK(h.world().object("Collection", "qdrant", "archive") != nullptr);

  Run meant = h.run("apply --auto-approve -f specs --prune --allow-mass-prune", kKeyEnv);
  INFO(meant.out << meant.err);
  CHECK(meant.code == 0);
  CHECK(h.world().object("Collection", "qdrant", "archive") == nullptr);
  CHECK(h.world().object("Collection", "qdrant", "plain") != nullptr);
}

TEST_CASE("a store write that fails makes the run partial, printed and with exit 5, never exit 0",
          "[cli][store]") {
  CliHarness h("lost-write");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("hosts -f specs --offline --record").code == 0);  // creates the store
  // The database itself refuses the key audit from now on, as a full disk or a broken file
  // would refuse a write.
  std::string trigger = "sqlite3 " + h.statePath() +
                        " \"CREATE TRIGGER no_audit BEFORE INSERT ON key_events BEGIN SELECT "
                        "RAISE(ABORT, 'injected by the test'); END;\"";
  REQUIRE(std::system(trigger.c_str()) == 0);
  Run r = h.run("apply --auto-approve -f specs", kKeyEnv);
  INFO(r.out << r.err);
  CHECK(r.code == 5);
  CHECK(r.err.find("error: could not record the key audit of app in the state store: state "
                   "store: a write was refused by the database (injected by the test)") !=
        std::string::npos);
  CHECK(r.out.find("1 store write lost (first: the key audit of app: state store: a write was "
                   "refused by the database") != std::string::npos);
  Json runs = Json::parse(h.run("history -o json").out);
  REQUIRE(runs.is_array());
  REQUIRE_FALSE(runs.empty());
  CHECK(runs[0]["status"] == "partial");
  CHECK(runs[0]["exit_code"] == 5);
}

TEST_CASE(
    "the CLI explains itself: help, --version, unknown commands and flags with the nearest, and "
    "Terraform's single-dash -out read as its own rather than as -o ut",
    "[cli][hygiene]") {
  CliHarness h("cli-hygiene");
  Run bare = h.run("");
  CHECK(bare.code == 1);
  CHECK(bare.out.find("Subcommands:") != std::string::npos);
  Run help = h.run("help");
  CHECK(help.code == 0);
  CHECK(help.out.find("plan") != std::string::npos);
  Run helpPlan = h.run("help plan");
  CHECK(helpPlan.code == 0);
  CHECK(helpPlan.out.find("--prune") != std::string::npos);
  Run helpNothing = h.run("help plam");
  CHECK(helpNothing.code == 1);
  CHECK(helpNothing.err.find("did you mean \"plan\"") != std::string::npos);
  Run version = h.run("--version");
  CHECK(version.code == 0);
  CHECK(version.out.rfind("hxctl ", 0) == 0);
  CHECK(version.out.find("state schema") != std::string::npos);
  Json v = Json::parse(h.run("version -o json").out, nullptr, false);
  CHECK(v["version"] == std::string(version.out.substr(6, version.out.find(' ', 6) - 6)));
  CHECK(v["commit"].is_string());
  CHECK_FALSE(v.value("commit", "").empty());
  CHECK(v["build_type"].is_string());
  CHECK(v["state_schema"].is_number_integer());
  Run unknown = h.run("plam -f specs");
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("unknown command \"plam\" (did you mean \"plan\"?)") != std::string::npos);
  h.writeSpec("estate.yaml", openEstate());
  Run out = h.run("plan -f specs -out x.plan", kKeyEnv);
  CHECK(out.code == 0);
  CHECK(out.out.find("Saved the plan to x.plan") != std::string::npos);
  CHECK(std::filesystem::exists(h.dir() / "x.plan"));
  CHECK_FALSE(std::filesystem::exists(h.dir() / "ut"));
  Run flag = h.run("plan -f specs --prun");
  CHECK(flag.code == 1);
  CHECK(flag.err.find("did you mean \"--prune\"") != std::string::npos);
  CHECK(flag.err.find("hxctl help plan") != std::string::npos);
  // One task's story says who held it since when, and what the task is.
  Run held = h.run(std::string("status -f ") + HX_SOURCE_DIR + "/specs 1.5.1");
  CHECK(held.code == 0);
  CHECK(held.out.find("(by user, since 2025-07-17)") != std::string::npos);
  CHECK(held.out.find("Configure UFW firewall rules and IP restrictions") != std::string::npos);
  // -o json keeps its promise of one JSON document for these too.
  Json doc = Json::parse(h.run("plam -o json").out, nullptr, false);
  CHECK(doc.is_object());
  CHECK(doc.value("ok", true) == false);
}

TEST_CASE("a secret with a line break is refused by name, never sent or printed",
          "[cli][secrets]") {
  CliHarness h("secret-crlf");
  activeHosts(h);
  const auto keyFile = h.dir() / "app.key";
  // What a header injection looks like: the value ends one header and starts another.
  std::ofstream(keyFile) << "sekret-0123\r\nX-Injected: yes\n";
  std::filesystem::permissions(
      keyFile, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::string estate = openEstate();
  const std::string ref = "secret: {env: HX_TEST_APP_KEY}";
  REQUIRE(estate.find(ref) != std::string::npos);
  estate.replace(estate.find(ref), ref.size(), "secret: {file: " + keyFile.string() + "}");
  h.writeSpec("estate.yaml", estate);
  Run plan = h.run("plan -f specs");
  INFO(plan.out << plan.err);
  CHECK(plan.out.find("secret file " + keyFile.string() + " holds a control character") !=
        std::string::npos);
  CHECK((plan.out + plan.err).find("sekret-0123") == std::string::npos);
  CHECK((plan.out + plan.err).find("X-Injected") == std::string::npos);
  // Nothing reached the key store: the key was never applied.
  Run apply = h.run("apply --auto-approve -f specs");
  CHECK((apply.out + apply.err).find("X-Injected") == std::string::npos);
  for (const auto& call : h.world().calls()) CHECK(call.find("ApiKey/app") == std::string::npos);
}

TEST_CASE("history records the real user, and what $USER claimed beside it", "[cli]") {
  CliHarness h("who-ran");
  activeHosts(h);
  h.writeSpec("estate.yaml", openEstate());
  REQUIRE(h.run("apply --auto-approve -f specs", kKeyEnv + " USER=mallory").code == 0);
  Json runs = Json::parse(h.run("history -o json").out);
  REQUIRE(runs.is_array());
  REQUIRE_FALSE(runs.empty());
  const passwd* pw = getpwuid(getuid());
  REQUIRE(pw != nullptr);
  const std::string user = runs[0]["user"];
  CHECK(user == std::string(pw->pw_name) + " ($USER=mallory)");
}
