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

// What each code means, in one place: `hxctl --help`, the man page and the README's table say
// these words (a unit test holds the README to them).
struct ExitCodeMeaning {
  const char* code;
  const char* meaning;
};
inline constexpr ExitCodeMeaning kExitCodeMeanings[] = {
    {"0",
     "success; with --detailed-exitcode: the estate is converged (no changes, nothing "
     "deferred, refused or orphaned)"},
    {"1",
     "an error: bad flags, an unreadable store, a declined approval, a stale saved plan, "
     "wait timed out"},
    {"2",
     "plan --detailed-exitcode: the estate is not converged: changes, deferred items, "
     "refusals (marked !, replacements that need --allow-replace among them) or orphans "
     "(marked ?)"},
    {"3",
     "bad input: the specs do not validate, or a command names an object the specs do not "
     "declare; nothing was changed"},
    {"4", "another hxctl holds the store's lock (the message names it)"},
    {"5", "apply: some actions failed or were refused; the rest were applied and recorded"},
    {"6", "apply --detailed-exitcode: everything possible was done, but items remain deferred"},
    {"130, 143", "apply was interrupted by SIGINT or SIGTERM (history records the same code)"},
};

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
