// Loading the specs for a command: read, validate, and on failure print every error (text or
// JSON) and return the exit code; duration flags read the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "reconciler/loader.h"
#include "src/cli/commands.h"
#include "src/run/prepare.h"

namespace hx {

// Loads and validates the specs; on failure prints the errors and returns the exit code.
int loadValid(CliEnv& env, const CommonOptions& common, LoadResult& loaded);

// The read side of plan, hosts, status and report: the specs loaded and valid, then prepared
// (store, observation or recall, plan) into `p`. On failure it has said why; returns the exit code.
int loadAndPrepare(CliEnv& env, const CommonOptions& common, PlanCommandOptions& options,
                   Prepared& p);

// The store a read-only command reads (never created); when there is none, says so once on
// stderr ("no records yet") rather than reporting every host as never seen.
Result<std::unique_ptr<Store>> openRecords(CliEnv& env, const CommonOptions& common);
void noteNoRecords(CliEnv& env, const CommonOptions& common);

// Who keeps this store's records up to date: a live daemon or apply holding its lock, else
// nobody (then a command that probes records what it saw, or nobody would).
std::optional<LockInfo> storeKeeper(CliEnv& env, const CommonOptions& common);

// A duration flag's value in ms; on a bad value prints "error: FLAG VALUE: not a duration (e.g.
// EXAMPLE)" and returns nullopt.
std::optional<int64_t> durationFlag(CliEnv& env, const std::string& flag, const std::string& value,
                                    const std::string& example);

}  // namespace hx
