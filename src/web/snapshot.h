// One reading of the estate as the web view shows it, built from the store and the daemon's specs
// the way the command line builds `status -o json`, `hosts --offline -o json`, `plan --offline
// -o json` and `history -o json` (src/views/): the pages render these documents, and the JSON
// endpoints serve them as they are.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/run/prepare.h"

namespace hx::web {

struct HostStrip {
  std::string host;
  std::vector<ProbeBucket> buckets;  // the last week's, oldest first
};

struct Snapshot {
  int64_t generation = 0;  // the daemon's change counter this was built at
  int64_t builtAt = 0;     // unix seconds
  std::string estate;      // the estate's name ("" when the specs name none)
  std::string error;       // set when the store or the specs could not be read
  Json status;             // hxctl status -o json
  Json hosts;              // hxctl hosts --offline -o json
  Json plan;               // hxctl plan --offline -o json
  Json history;            // hxctl history -o json (the newest kRuns)
  // Each run in `history` as `hxctl history RUN -o json` gives it, but with its first
  // kActionsShown actions only; actionTotals says how many it has. (/api/runs/N reads the whole
  // run from the store: readRun.)
  std::map<int64_t, Json> runs;
  std::map<int64_t, int64_t> actionTotals;
  std::map<std::string, Json> tasks;  // hxctl status TASK -o json, for each task
  std::vector<HostStrip> availability;
  std::vector<TaskTransition> taskHistory;  // every task's transitions, oldest first
  static constexpr int kRuns = 50;
  static constexpr int kActionsShown = 100;
};

// Reads the store at common.statePath (read-only) against a copy of `specs` (loaded and valid),
// as the command line's offline reads do. Never throws; a failure is in Snapshot::error.
Snapshot buildSnapshot(RunEnv& env, const RunOptions& common, const LoadResult& specs,
                       int64_t generation);

// `hxctl history RUN -o json` for one of the last Snapshot::kRuns runs, read from the store at
// common.statePath; nullopt when there is no such run among them (or no store).
std::optional<Json> readRun(Clock& clock, const RunOptions& common, int64_t runId);

}  // namespace hx::web
