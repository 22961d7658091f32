// `hxctl daemon`: the watcher that empties the backlog by itself.
//
// Two threads. The main thread waits on signals (signalfd), spec changes (inotify, debounced)
// and the systemd watchdog; it never blocks on the network. The worker probes each host at
// its own interval and runs a reconcile cycle every --interval (with jitter), at once when a
// host changes status, when the specs change, and on SIGHUP. SIGTERM lets the action in flight
// finish and be recorded, then the lock is released and the process exits 0.
#pragma once

#include "reconciler/loader.h"
#include "src/run/run_env.h"
#include "src/run/run_options.h"
#include "src/run/run_outcome.h"

namespace hx {

// `specs`: loaded and valid (the command line loads and reports them). kOk after a clean stop
// (the lock released); kLocked when the lock was lost or never had; kError otherwise.
RunOutcome runDaemon(RunEnv& env, const RunOptions& common, const DaemonOptions& options,
                     LoadResult specs);

}  // namespace hx
