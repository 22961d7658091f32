// The engine reports outcomes; the CLI alone turns them into exit codes. The store records an
// outcome under a number that `hxctl runs` shows as "exit N": it must be the code the process
// exited with, or history would contradict what scripts saw.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "src/cli/exit_codes.h"
#include "src/run/run_outcome.h"

using namespace hx;

TEST_CASE("every run outcome is recorded under the exit code the CLI gives it", "[outcome][unit]") {
  const RunOutcome all[] = {RunOutcome::kOk, RunOutcome::kError, RunOutcome::kLocked,
                            RunOutcome::kPartialFailure, RunOutcome::kDeferred};
  for (RunOutcome o : all) {
    CAPTURE(static_cast<int>(o));
    CHECK(storedCode(o) == exitCodeOf(o));
  }
  CHECK(exitCodeOf(RunOutcome::kOk) == 0);
  CHECK(exitCodeOf(RunOutcome::kLocked) == exit_code::kLocked);
  CHECK(exitCodeOf(RunOutcome::kPartialFailure) == exit_code::kPartialFailure);
  CHECK(exitCodeOf(RunOutcome::kDeferred) == exit_code::kDeferred);
}

TEST_CASE("a run's recorded status follows its outcome", "[outcome][unit]") {
  CHECK(runStatusOf(RunOutcome::kOk) == "succeeded");
  CHECK(runStatusOf(RunOutcome::kDeferred) == "succeeded");
  CHECK(runStatusOf(RunOutcome::kPartialFailure) == "partial");
  CHECK(runStatusOf(RunOutcome::kError) == "failed");
  CHECK(runStatusOf(RunOutcome::kLocked) == "failed");
}

TEST_CASE("the README's exit-code table says what --help and the man page say", "[outcome][unit]") {
  std::ifstream in(std::string(HX_SOURCE_DIR) + "/README.md");
  REQUIRE(in);
  std::stringstream readme;
  readme << in.rdbuf();
  for (const auto& e : exit_code::kExitCodeMeanings) {
    CAPTURE(e.code);
    CHECK(readme.str().find("| " + std::string(e.code) + " | " + e.meaning + " |") !=
          std::string::npos);
  }
}
