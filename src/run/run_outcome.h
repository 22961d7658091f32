// How a command's work ended, in the engine's terms. Only cli/ turns an outcome into the
// process's exit code (cli/exit_codes.h); the engine and the daemon never name an exit code.
#pragma once

#include <string_view>

namespace hx {

enum class RunOutcome {
  kOk,              // done; nothing failed
  kError,           // could not get as far as a plan (store unreadable, bad --target, ...)
  kLocked,          // another process holds the store's lock
  kPartialFailure,  // some actions failed, were refused or cancelled, or a record was lost
  kDeferred,        // done, but items are deferred (only when the caller asked to be told)
};

// The number a run's outcome is recorded under in the store (runs.exit_code). It is the exit
// code `hxctl apply` gives for that outcome, so `hxctl runs` shows what scripts saw; the CLI's
// mapping is checked against it by a unit test, so the two cannot drift apart silently.
constexpr int storedCode(RunOutcome o) {
  switch (o) {
    case RunOutcome::kOk:
      return 0;
    case RunOutcome::kError:
      return 1;
    case RunOutcome::kLocked:
      return 4;
    case RunOutcome::kPartialFailure:
      return 5;
    case RunOutcome::kDeferred:
      return 6;
  }
  return 1;
}

// The status word a run is recorded with: "succeeded", "partial" or "failed".
constexpr std::string_view runStatusOf(RunOutcome o) {
  switch (o) {
    case RunOutcome::kOk:
    case RunOutcome::kDeferred:
      return "succeeded";
    case RunOutcome::kPartialFailure:
      return "partial";
    case RunOutcome::kError:
    case RunOutcome::kLocked:
      return "failed";
  }
  return "failed";
}

}  // namespace hx
