// The subcommands, each a function of its parsed options. Exit codes: src/cli/exit_codes.h.
#pragma once

#include <string>
#include <vector>

#include "reconciler/planner.h"
#include "src/cli/cli.h"
#include "src/cli/render.h"
#include "src/run/run_options.h"

namespace hx {

// The run's options and how the command line prints (color on a terminal).
struct CommonOptions : RunOptions {
  Style style;
  bool stateGiven = false;         // --state or HXCTL_STATE: the store was named, not found
  bool specWarningsShown = false;  // a loop loading the specs again says their warnings once
};

struct ApplyCliOptions {
  std::string planFile;  // a plan saved by plan -out: carry out exactly it
  bool autoApprove = false;
};

struct EventsOptions {
  bool follow = false;
  std::string since;  // a duration: only events this recent
  int limit = 50;     // without --follow: the newest this many
};

struct WaitOptions {
  std::string what;    // Task/ID or Host/NAME
  std::string status;  // --for
  std::string timeout = "5m";
};

struct DaemonCliOptions {
  DaemonOptions options;
  std::string interval = "60s";
  std::string recheckHeavy = "15m";
  bool noSelfHeal = false;
  bool noWeb = false;
  std::string leaseDuration = "15s";
  std::string logFormat = "text";
};

int cmdValidate(CliEnv& env, const CommonOptions& common);
int cmdSchema(CliEnv& env);
// Words for shell completion: "resources" (KIND/NAME), "tasks" (ids) or "kinds"; quietly none
// when the specs cannot be read.
int cmdComplete(CliEnv& env, const CommonOptions& common, const std::string& what);
int cmdExplain(CliEnv& env, const std::string& path);
int cmdMonitoringConfig(CliEnv& env, const CommonOptions& common, const std::string& name);
// `outFile`: also save the plan there (plan -out), for apply FILE.
int cmdPlan(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
            const std::string& outFile);
int cmdApply(CliEnv& env, CommonOptions common, PlanCommandOptions options,
             const ApplyCliOptions& cli);
int cmdHosts(CliEnv& env, const CommonOptions& common, PlanCommandOptions options);
int cmdStatus(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
              const std::string& task, bool refresh);
int cmdKeys(CliEnv& env, const CommonOptions& common);
int cmdDescribe(CliEnv& env, const CommonOptions& common, const std::string& what);
int cmdSuspend(CliEnv& env, const CommonOptions& common, const std::string& what,
               const std::string& reason);
int cmdResume(CliEnv& env, const CommonOptions& common, const std::string& what);
int cmdReconcileNow(CliEnv& env, const CommonOptions& common);
int cmdEvents(CliEnv& env, const CommonOptions& common, const EventsOptions& options);
int cmdWait(CliEnv& env, CommonOptions common, const WaitOptions& options);
// The records brought up to date by this process, as a daemon keeps them: with `backlog`, what
// `status --refresh` does (observe, plan, run the checks, record); without, the hosts' probes.
int refreshRecords(CliEnv& env, const CommonOptions& common, bool backlog);
// The backlog document, regenerated as Markdown (src/cli/report_markdown.h).
int cmdReport(CliEnv& env, const CommonOptions& common, PlanCommandOptions options, bool refresh);
// `hxctl export`: the files the operators' document keeps (src/views/exports.h), into `dir`.
int cmdExport(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
              const std::string& dir, bool refresh);
int cmdHistory(CliEnv& env, const CommonOptions& common, int64_t runId, int limit);
int cmdForceUnlock(CliEnv& env, const CommonOptions& common, const std::string& lockId, bool force);
int cmdDaemon(CliEnv& env, const CommonOptions& common, DaemonCliOptions cli);
// A USER:HASH line for the daemon's --web-auth file, the password read from stdin.
int cmdWebPassword(CliEnv& env, const std::string& user);
// hxctl state migrate --to URL: this estate's store copied into a PostgreSQL database.
int cmdStateMigrate(CliEnv& env, const CommonOptions& common, const std::string& to);

// $HXCTL_STATE, else $STATE_DIRECTORY/state.db (systemd), else /var/lib/hxctl/state.db for root,
// else $XDG_STATE_HOME/hxctl/state.db, else ~/.local/state/hxctl/state.db. (state: in hxctl.yaml
// comes before all but $HXCTL_STATE: src/cli/estate_setup.h.)
std::string defaultStatePath();

}  // namespace hx
