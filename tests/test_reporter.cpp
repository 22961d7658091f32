// run/ tells its operator through a Reporter (src/run/reporter.h): the CLI's renders text, the
// daemon's logs, and here a recording one shows each event is reported once, as one event.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "fakes/fake_world.h"
#include "fakes/manual_clock.h"
#include "fakes/recording_reporter.h"
#include "fakes/scripted_http.h"
#include "src/run/lock_session.h"
#include "src/run/process_info.h"

using namespace hx;

namespace {

// A pid that no process has now: a child that has exited and been reaped.
int deadPid() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

}  // namespace

TEST_CASE("the text reporter writes what the CLI has always printed", "[reporter][unit]") {
  std::ostringstream err;
  StreamReporter text(err);
  text.message(Severity::kError, "the store is busy", {"Wait for it to finish."});
  text.message(Severity::kWarning, "could not cache observations");
  text.message(Severity::kNote, "the store now belongs to \"lab\"");
  PlanAction a;
  a.id = {"Collection", "docs"};
  a.type = ActionType::kCreate;
  ActionResult r;
  r.outcome = ActionOutcome::kSucceeded;
  r.durationMs = 12;
  text.actionStarted(a);
  text.actionFinished(a, r);
  CHECK(err.str() ==
        "error: the store is busy\nWait for it to finish.\n"
        "warning: could not cache observations\n"
        "note: the store now belongs to \"lab\"\n"
        "  Collection/docs: create ...\n"
        "  Collection/docs: create succeeded (12 ms)\n");
}

TEST_CASE("breaking a stale lock is one warning event, reported to the run's reporter only",
          "[reporter][unit]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("hxctl-reporter-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  fake::ManualClock clock;
  auto store = Store::open((dir / "state.db").string(), clock);
  REQUIRE(store);
  RunInfo gone = currentProcess("apply");
  gone.pid = deadPid();
  REQUIRE(store.value()->acquireLock("apply", gone));

  fake::FakeWorld world(clock);
  fake::ScriptedHttp http;
  std::ostringstream out, err;
  RunEnv env{world, world, clock, http, true, out, err};
  fake::RecordingReporter recorded;
  env.reporter = &recorded;
  auto lock = takeLockBreakingDead(env, *store.value(), currentProcess("apply"), 0);
  CHECK(lock);
  REQUIRE(recorded.messages.size() == 1);
  CHECK(recorded.messages[0].severity == Severity::kWarning);
  CHECK(recorded.messages[0].text.rfind("breaking a stale lock: ", 0) == 0);
  CHECK(recorded.messages[0].text.find("its process is gone from this machine") !=
        std::string::npos);
  CHECK(err.str().empty());  // nothing went around the reporter
  std::filesystem::remove_all(dir);
}

TEST_CASE("a refused lock is one error with its advice", "[reporter][unit]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("hxctl-reporter-refused-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  fake::ManualClock clock;
  auto store = Store::open((dir / "state.db").string(), clock);
  REQUIRE(store);
  REQUIRE(store.value()->acquireLock("apply", currentProcess("apply")));  // alive: this process
  fake::FakeWorld world(clock);
  fake::ScriptedHttp http;
  std::ostringstream out, err;
  RunEnv env{world, world, clock, http, true, out, err};
  fake::RecordingReporter recorded;
  env.reporter = &recorded;
  auto second = store.value()->acquireLock("plan", currentProcess("plan"));
  REQUIRE_FALSE(second);
  CHECK(lockRefused(env, *store.value(), second.status()) == RunOutcome::kLocked);
  REQUIRE(recorded.messages.size() == 1);
  CHECK(recorded.messages[0].severity == Severity::kError);
  REQUIRE(recorded.messages[0].advice.size() == 1);
  CHECK(recorded.messages[0].advice[0] == "Wait for it to finish, or pass --lock-timeout to wait.");
  CHECK(err.str().empty());
  std::filesystem::remove_all(dir);
}
