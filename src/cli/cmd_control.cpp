// Telling hxctl, and a running daemon, what to do now: suspend / resume a resource (recorded in
// the store, read by every plan, so the daemon honours it at its next cycle), and reconcile --now
// (SIGHUP to the daemon that holds this store, as `systemctl reload hxctl` sends).
#include <signal.h>

#include <cerrno>
#include <cstring>

#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/run/process_info.h"

namespace hx {

namespace {

// The resource named on the line, if the specs declare it (else says so, with the nearest).
bool declared(CliEnv& env, const CommonOptions& common, const std::string& what) {
  LoadResult loaded;
  if (loadValid(env, common, loaded)) return false;
  auto slash = what.find('/');
  if (slash != std::string::npos &&
      loaded.desired.find({what.substr(0, slash), what.substr(slash + 1)}))
    return true;
  std::vector<std::string> names;
  for (const auto& r : loaded.desired.resources) names.push_back(r.id.str());
  env.err << "error: no " << what << " in the specs (KIND/NAME, e.g. Collection/docs)"
          << didYouMean(what, names) << "\n";
  return false;
}

}  // namespace

int cmdSuspend(CliEnv& env, const CommonOptions& common, const std::string& what,
               const std::string& reason) {
  if (!declared(env, common, what)) return exit_code::kError;
  auto store = openStore(env, common.statePath);
  if (!store) return exit_code::kError;
  RunInfo who = currentProcess("suspend");
  Suspension s{what, who.user + "@" + who.hostname, reason, env.clock.nowSeconds()};
  if (Status put = store.value()->suspend(s); !put) return exitCodeOf(reportError(env, put));
  env.out << "Suspended " << what << ": apply and the daemon leave it as it is"
          << (what.rfind("Host/", 0) == 0 ? ", with everything on that host," : "")
          << " from their next plan until hxctl resume " << what << ".\n";
  return exit_code::kOk;
}

int cmdResume(CliEnv& env, const CommonOptions& common, const std::string& what) {
  auto store = openStore(env, common.statePath);
  if (!store) return exit_code::kError;
  auto resumed = store.value()->resume(what);
  if (!resumed) return exitCodeOf(reportError(env, resumed.status()));
  if (!resumed.value()) {
    env.err << "error: " << what << " is not suspended\n";
    return exit_code::kError;
  }
  env.out << "Resumed " << what << ": the next apply or daemon cycle converges it.\n";
  return exit_code::kOk;
}

int cmdReconcileNow(CliEnv& env, const CommonOptions& common) {
  auto store = openRecords(env, common);
  if (!store) return exit_code::kError;
  auto lock = store.value()->currentLock();
  if (!lock) return exitCodeOf(reportError(env, lock.status()));
  const auto& held = lock.value();
  if (!held || held->operation != "daemon") {
    env.err << "error: no daemon keeps the store " << Store::shown(common.statePath)
            << (held ? " (it is held by " + describeLock(*held) + ")" : "")
            << ": run hxctl apply to reconcile now\n";
    return exit_code::kError;
  }
  RunInfo me = currentProcess("reconcile");
  if (held->hostname != me.hostname) {
    env.err << "error: the daemon runs on " << held->hostname
            << ": reconcile it there (hxctl reconcile --now, or systemctl reload hxctl)\n";
    return exit_code::kError;
  }
  if (!holderAlive(*held)) {
    env.err << "error: the daemon that held the store (pid " << held->pid
            << ") is gone: start it again, or run hxctl apply\n";
    return exit_code::kError;
  }
  if (auto why = notThisStoresDaemon(*held, common.statePath)) {
    env.err << "error: refusing to signal pid " << held->pid
            << ", which the store's lock row names: " << *why << "\n";
    return exit_code::kError;
  }
  if (kill(held->pid, SIGHUP) != 0) {
    env.err << "error: cannot signal the daemon (pid " << held->pid << "): " << std::strerror(errno)
            << (errno == EPERM ? "; run as its user (sudo), or systemctl reload hxctl" : "")
            << "\n";
    return exit_code::kError;
  }
  env.out << "Asked the daemon (pid " << held->pid << ") to reconcile now.\n";
  return exit_code::kOk;
}

}  // namespace hx
