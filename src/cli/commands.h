// The subcommands, each a function of its parsed options. Exit codes: src/exit_codes.h.
#pragma once

#include <string>
#include <vector>

#include "reconciler/planner.h"
#include "src/cli/cli.h"
#include "src/cli/render.h"

namespace hx {

struct CommonOptions {
  std::vector<std::string> files;
  std::string output = "text";  // text | json
  std::string statePath;
  bool noColor = false;
  SpecLimits specLimits;
  Style style;
  bool json() const { return output == "json"; }
};

struct PlanCommandOptions {
  PlanOptions plan;
  std::string target;
  bool offline = false;
  bool detailedExitcode = false;
  int parallelism = 10;
  std::string lockTimeout = "0s";
  // apply: passing load and ingest checks younger than this are not run again ("0s": always).
  std::string recheckHeavy = "0s";
};

struct DaemonOptions {
  PlanCommandOptions plan;
  int64_t intervalMs = 60000;
  double jitter = 0.1;  // each wait is interval * (1 +- jitter)
  bool selfHeal = true;
  std::string metricsAddress = "127.0.0.1:9847";  // "off": no endpoint
  int64_t debounceMs = 500;
  int64_t heartbeatMs = 5000;
  int64_t lockWaitMs = 0;             // --lock-timeout
  int64_t heavyRecheckSeconds = 900;  // passing load / ingest checks are re-run this often
};

struct DaemonCliOptions {
  DaemonOptions options;
  std::string interval = "60s";
  std::string recheckHeavy = "15m";
  bool noSelfHeal = false;
  std::string logFormat = "text";
};

int cmdValidate(CliEnv& env, const CommonOptions& common);
int cmdPlan(CliEnv& env, const CommonOptions& common, PlanCommandOptions options);
int cmdApply(CliEnv& env, const CommonOptions& common, PlanCommandOptions options);
int cmdHosts(CliEnv& env, const CommonOptions& common, PlanCommandOptions options);
int cmdStatus(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
              const std::string& task, bool refresh);
int cmdKeys(CliEnv& env, const CommonOptions& common);
int cmdHistory(CliEnv& env, const CommonOptions& common, int64_t runId, int limit);
int cmdForceUnlock(CliEnv& env, const CommonOptions& common, const std::string& lockId, bool force);
int cmdDaemon(CliEnv& env, const CommonOptions& common, DaemonCliOptions cli);

// $HXCTL_STATE, else $STATE_DIRECTORY/state.db (systemd), else $XDG_STATE_HOME/hxctl/state.db,
// else ~/.local/state/hxctl/state.db.
std::string defaultStatePath();

}  // namespace hx
