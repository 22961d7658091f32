// The read side every command shares: load and validate the specs, open the store, resolve
// secrets, observe (or recall) the estate, and plan.
#pragma once

#include <memory>
#include <optional>

#include "reconciler/loader.h"
#include "src/run/run_env.h"
#include "src/run/run_options.h"
#include "src/run/run_outcome.h"
#include "state/store.h"

namespace hx {

struct Prepared {
  LoadResult loaded;
  bool preloaded = false;  // `loaded` is filled and valid: prepare does not load again
  std::unique_ptr<Store> store;
  bool storeMissing = false;  // read-only, and no store at the path: an empty one in memory
  Inventory inventory;
  ObservedState observed;
  Plan plan;
};

// Everything up to the plan, from specs already loaded and valid (p.loaded, p.preloaded: the
// command line loads and reports them). Returns kError, having said why, when it cannot get
// that far. With
// `lockedStore`, uses that store (apply holds its lock); otherwise opens one into p.store.
RunOutcome prepare(RunEnv& env, const RunOptions& common, PlanCommandOptions& o, Prepared& p,
                   Store* lockedStore);

}  // namespace hx
