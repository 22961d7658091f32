// hxctl's exit codes: a contract with scripts. Documented in README.md ("Exit codes").
// Only the CLI names them: the engine reports a RunOutcome, and exitCodeOf turns it into one.
#pragma once

#include "src/run/run_outcome.h"

namespace hx::exit_code {

constexpr int kOk = 0;              // success; with --detailed-exitcode: no changes
constexpr int kError = 1;           // an error (bad flags, store unreadable, ...)
constexpr int kChanges = 2;         // plan --detailed-exitcode: the plan has changes
constexpr int kInvalidSpec = 3;     // the specs do not validate; nothing was changed
constexpr int kLocked = 4;          // another hxctl holds the store's lock
constexpr int kPartialFailure = 5;  // apply: some actions failed or were refused
constexpr int kDeferred = 6;        // apply --detailed-exitcode: done, but items are deferred

}  // namespace hx::exit_code

namespace hx {

constexpr int exitCodeOf(RunOutcome o) {
  switch (o) {
    case RunOutcome::kOk:
      return exit_code::kOk;
    case RunOutcome::kError:
      return exit_code::kError;
    case RunOutcome::kLocked:
      return exit_code::kLocked;
    case RunOutcome::kPartialFailure:
      return exit_code::kPartialFailure;
    case RunOutcome::kDeferred:
      return exit_code::kDeferred;
  }
  return exit_code::kError;
}

}  // namespace hx
