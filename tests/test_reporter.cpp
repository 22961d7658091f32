// run/ tells its operator through a Reporter (src/run/reporter.h): the CLI's renders text, the
// daemon's logs, and here a recording one shows each event is reported once, as one event.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
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

// A store in a scratch directory and a RunEnv of fakes whose reporter records every event.
struct LockScene {
  explicit LockScene(const std::string& name)
      : dir(std::filesystem::temp_directory_path() /
            ("hxctl-reporter-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto opened = Store::open((dir / "state.db").string(), clock);
    REQUIRE(opened);
    store = std::move(opened.value());
    env.reporter = &recorded;
  }
  ~LockScene() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
  fake::ManualClock clock;
  std::unique_ptr<Store> store;
  fake::FakeWorld world{clock};
  fake::ScriptedHttp http;
  std::ostringstream out, err;
  RunEnv env{world, world, clock, http, true, out, err};
  fake::RecordingReporter recorded;
};

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
  LockScene scene("stale");
  RunInfo gone = currentProcess("apply");
  gone.pid = deadPid();
  REQUIRE(scene.store->acquireLock("apply", gone));
  auto lock = takeLockBreakingDead(scene.env, *scene.store, currentProcess("apply"), 0);
  const auto& recorded = scene.recorded;
  CHECK(lock);
  REQUIRE(recorded.messages.size() == 1);
  CHECK(recorded.messages[0].severity == Severity::kWarning);
  CHECK(recorded.messages[0].text.rfind("breaking a stale lock: ", 0) == 0);
  CHECK(recorded.messages[0].text.find("its process is gone from this machine") !=
        std::string::npos);
  CHECK(scene.err.str().empty());  // nothing went around the reporter
}

TEST_CASE("a refused lock is one error with its advice", "[reporter][unit]") {
  LockScene scene("refused");
  REQUIRE(scene.store->acquireLock("apply", currentProcess("apply")));  // alive: this process
  const auto& recorded = scene.recorded;
  auto second = scene.store->acquireLock("plan", currentProcess("plan"));
  REQUIRE_FALSE(second);
  CHECK(lockRefused(scene.env, *scene.store, second.status()) == RunOutcome::kLocked);
  REQUIRE(recorded.messages.size() == 1);
  CHECK(recorded.messages[0].severity == Severity::kError);
  REQUIRE(recorded.messages[0].advice.size() == 1);
  CHECK(recorded.messages[0].advice[0] == "Wait for it to finish, or pass --lock-timeout to wait.");
  CHECK(scene.err.str().empty());
}
