// The read side every command shares: load and validate the specs, open the store, resolve
// secrets, observe (or recall) the estate, and plan.
#pragma once

#include <memory>
#include <optional>

#include "reconciler/loader.h"
#include "src/cli/commands.h"
#include "state/store.h"

namespace hx {

struct Prepared {
  LoadResult loaded;
  bool preloaded = false;  // `loaded` is filled and valid: prepare does not load again
  std::unique_ptr<Store> store;
  Inventory inventory;
  ObservedState previous;  // as recorded before this run
  ObservedState observed;
  Plan plan;
};

// Loads and validates the specs; on failure prints the errors and returns the exit code.
int loadValid(CliEnv& env, const CommonOptions& common, LoadResult& loaded);

// A duration flag's value in ms; on a bad value prints "error: FLAG VALUE: not a duration (e.g.
// EXAMPLE)" and returns nullopt.
std::optional<int64_t> durationFlag(CliEnv& env, const std::string& flag, const std::string& value,
                                    const std::string& example);

// Everything up to the plan. Returns an exit code when it cannot get that far. With
// `lockedStore`, uses that store (apply holds its lock); otherwise opens one into p.store.
int prepare(CliEnv& env, const CommonOptions& common, PlanCommandOptions& o, Prepared& p,
            Store* lockedStore);

}  // namespace hx
