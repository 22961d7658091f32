// hxctl daemon: flags -> DaemonOptions, logging as asked, then the loop (src/daemon.cpp).
#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/cli/pull_progress.h"
#include "src/daemon/daemon.h"
#include "src/platform/logging.h"
#include "src/run/prepare.h"

namespace hx {

int cmdDaemon(CliEnv& env, const CommonOptions& common, DaemonCliOptions cli) {
  auto interval = parseDurationMs(cli.interval);
  if (!interval || *interval < 1000) {
    env.err << "error: --interval " << cli.interval << ": expected a duration of at least 1s\n";
    return exit_code::kError;
  }
  auto wait = durationFlag(env, "--lock-timeout", cli.options.plan.lockTimeout, "30s");
  if (!wait) return exit_code::kError;
  auto recheck = durationFlag(env, "--recheck-heavy", cli.recheckHeavy, "15m");
  if (!recheck) return exit_code::kError;
  cli.options.lockWaitMs = *wait;
  cli.options.heavyRecheckSeconds = *recheck / 1000;
  // A daemon's log is its only voice: info by default (HXCTL_LOG_LEVEL still wins).
  configureLogging(cli.logFormat, "info");
  PullProgress::routeToLog(true);
  cli.options.intervalMs = *interval;
  cli.options.selfHeal = !cli.noSelfHeal;
  cli.options.web = !cli.noWeb;
  auto lease = durationFlag(env, "--lease-duration", cli.leaseDuration, "15s");
  if (!lease) return exit_code::kError;
  if (*lease < 600) {
    env.err << "error: --lease-duration " << cli.leaseDuration << ": at least 600ms\n";
    return exit_code::kError;
  }
  cli.options.leaseDurationMs = *lease;
  LoadResult specs;
  if (int rc = loadValid(env, common, specs)) return rc;  // nothing good to run on yet
  return exitCodeOf(runDaemon(env, common, cli.options, std::move(specs)));
}

}  // namespace hx
