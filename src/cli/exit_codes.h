// hxctl's exit codes: a contract with scripts. Documented in README.md ("Exit codes").
#pragma once

namespace hx::exit_code {

constexpr int kOk = 0;              // success; with --detailed-exitcode: no changes
constexpr int kError = 1;           // an error (bad flags, store unreadable, ...)
constexpr int kChanges = 2;         // plan --detailed-exitcode: the plan has changes
constexpr int kInvalidSpec = 3;     // the specs do not validate; nothing was changed
constexpr int kLocked = 4;          // another hxctl holds the store's lock
constexpr int kPartialFailure = 5;  // apply: some actions failed or were refused
constexpr int kDeferred = 6;        // apply --detailed-exitcode: done, but items are deferred

}  // namespace hx::exit_code
