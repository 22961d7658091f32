#include "src/daemon/daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "reconciler/host_health.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/daemon/daemon_metrics.h"
#include "src/daemon/daemon_schedule.h"
#include "src/daemon/http_server.h"
#include "src/daemon/leadership.h"
#include "src/daemon/spec_watch.h"
#include "src/daemon/systemd_notify.h"
#include "src/platform/fs_spec_source.h"
#include "src/run/apply_cycle.h"
#include "src/run/daemon_publication.h"
#include "src/run/lock_session.h"
#include "src/run/process_info.h"
#include "src/web/snapshot.h"

#ifndef HXCTL_VERSION
#define HXCTL_VERSION "dev"
#endif

namespace hx {

namespace {

// A cycle longer than this is taken as hung: the watchdog stops being fed and systemd restarts
// the service. Long enough for the slowest model pull, whose own stall watchdog fires first.
constexpr int64_t kHungAfterMs = 30 * 60 * 1000;

// Releases the daemon's lock; a failure is logged (the next holder breaks a dead one's lock).
bool releaseOrSay(Store& store, const std::string& lockId) {
  Status released = store.releaseLock(lockId);
  if (!released) spdlog::error("could not release the store's lock: {}", released.message());
  return released.isOk();
}

class Daemon {
 public:
  Daemon(RunEnv& env, const RunOptions& common, const DaemonOptions& options, Store& store,
         LoadResult specs, std::string lockId)
      : env_(env),
        common_(common),
        options_(options),
        store_(store),
        specs_(std::move(specs)),
        lockId_(std::move(lockId)),
        metrics_(HXCTL_VERSION),
        rng_(std::random_device{}()),
        schedule_(env.clock.nowMillis()) {
    lastSeenDigest_ = specs_.digest;
    published_ = std::make_shared<const LoadResult>(specs_);
    lastGoodAt_ = env_.clock.nowSeconds();
    metrics_.specLoad(true, lastGoodAt_);
    metrics_.lockHeld(true);
    auto recorded = store_.loadObservations();
    if (recorded) hosts_ = recorded.value().hosts;
    progressMs_ = env_.clock.nowMillis();
  }

  std::string renderMetrics() const { return metrics_.render(); }
  void leadership(const std::string& me, bool leading, int64_t term) {
    metrics_.leadership(me, leading, term);
  }
  web::ChangeFeed& changes() { return changes_; }
  // The last good specs, for the web view's thread (the worker replaces them on a reload).
  std::shared_ptr<const LoadResult> publishedSpecs() const {
    std::lock_guard<std::mutex> lock(publishedMu_);
    return published_;
  }
  bool firstCycleDone() const { return firstCycleDone_; }
  // While the specs on disk do not validate: what /readyz says beside "ready" (the daemon still
  // serves, on the last good specs). Empty while they validate.
  std::string specsProblem() const {
    std::lock_guard<std::mutex> lock(publishedMu_);
    if (specsInvalid_.empty()) return "";
    return "serving the last good specs, loaded " + formatTime(lastGoodAt_) +
           "; specs invalid: " + specsInvalid_;
  }

  // The worker thread's body: what is due comes from the schedule (daemon_schedule.h).
  void work() {
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        while (!stopping_) {
          int64_t now = env_.clock.nowMillis();
          int64_t wake = schedule_.wakeAtMs(hostNames());
          if (schedule_.requested() || wake <= now) break;
          cv_.wait_for(lock, std::chrono::milliseconds(wake - now));
        }
        if (stopping_) return;
      }
      progressMs_ = env_.clock.nowMillis();
      if (!ownsLock()) {
        lostLock_ = true;
        requestStop();
        return;
      }
      // A barrier per step: nothing a host sends (nor a bug it uncovers) ends the daemon; the
      // step is logged as failed and the loop goes on at the next interval.
      try {
        if (std::string change = probeDueHosts(); !change.empty()) {
          spdlog::info("{}: reconciling now", change);
          std::lock_guard<std::mutex> lock(mu_);
          schedule_.hostChanged();
        }
      } catch (const std::exception& e) {
        spdlog::error("probing the hosts failed: {}", e.what());
      }
      std::optional<DaemonSchedule::Due> due;
      {
        std::lock_guard<std::mutex> lock(mu_);
        due = schedule_.takeDueCycle(env_.clock.nowMillis());
      }
      if (due) {
        const char* trigger = cycleTriggerName(due->trigger);
        try {
          bool changed = reloadSpecs(due->forceReload);
          if (DaemonSchedule::runs(*due, changed)) cycle(trigger);
        } catch (const std::exception& e) {
          spdlog::error("reconcile cycle ({}) failed: {}", trigger, e.what());
        }
        std::lock_guard<std::mutex> lock(mu_);
        schedule_.cycled(env_.clock.nowMillis(), jittered(options_.intervalMs));
      }
      progressMs_ = env_.clock.nowMillis();
    }
  }

  // From the main thread.
  void request(CycleTrigger trigger, bool forceReload) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      schedule_.request(trigger, forceReload);
    }
    cv_.notify_all();
  }
  void requestStop() {
    cancel_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (stopFd_ >= 0) (void)!write(stopFd_, "x", 1);
  }
  bool hung() const { return env_.clock.nowMillis() - progressMs_ > kHungAfterMs; }
  bool lostLock() const { return lostLock_; }
  void setStopFd(int fd) { stopFd_ = fd; }
  void lockReleased() { metrics_.lockHeld(false); }

 private:
  int64_t jittered(int64_t ms) {
    std::uniform_real_distribution<double> spread(-options_.jitter, options_.jitter);
    return std::max<int64_t>(100,
                             static_cast<int64_t>(static_cast<double>(ms) * (1.0 + spread(rng_))));
  }

  std::vector<std::string> hostNames() const {
    std::vector<std::string> out;
    for (const auto* h : specs_.desired.ofKind(kind::kHost)) out.push_back(h->id.name);
    return out;
  }

  bool ownsLock() {
    auto current = store_.currentLock();
    if (!current) return true;  // cannot tell (busy store): carry on, the heartbeat will tell
    if (current.value() && current.value()->lockId == lockId_) return true;
    spdlog::error(
        "the state store's lock {} is no longer ours (another daemon leads, or someone ran "
        "force-unlock); "
        "stopping so that two writers never act at once",
        lockId_);
    return false;
  }

  // Probes every host whose interval has passed. Returns a description of the first status
  // change ("host llm-primary: pending_installation -> active"), or "".
  std::string probeDueHosts() {
    ObservedState probed;
    std::string change;
    std::vector<std::string> due;
    {
      std::lock_guard<std::mutex> lock(mu_);
      due = schedule_.dueHosts(hostNames(), env_.clock.nowMillis());
    }
    for (const std::string& name : due) {
      const Resource* h = specs_.desired.find(ResourceId{kind::kHost, name});
      if (!h) continue;
      HostObservation before = hosts_.count(name) ? hosts_[name] : HostObservation{};
      HostObservation after = env_.prober.probe(*h, before);
      {
        std::lock_guard<std::mutex> lock(mu_);
        schedule_.probed(name, env_.clock.nowMillis(), healthPolicyOf(*h).intervalMs);
      }
      hosts_[name] = after;
      if (!probed.recordProbe(name, before, after)) continue;
      if (change.empty())
        change = "host " + name + ": " + hostStatusName(before.status) + " -> " +
                 hostStatusName(after.status);
    }
    if (!probed.hosts.empty()) {
      Status saved = store_.saveObservations(probed);
      if (!saved) spdlog::warn("could not record host probes: {}", saved.message());
      metrics_.hosts(hosts_);
      changes_.bump();
    }
    return change;
  }

  // Reloads the specs from disk. Returns true when their content changed. Specs that do not
  // validate are reported once per content and the last good ones stay in force.
  bool reloadSpecs(bool force) {
    FsSpecSource source(common_.specLimits.maxFileBytes);
    LoadResult fresh = loadSpecs(source, common_.files, common_.specLimits);
    recordSourceFiles(fresh);
    if (fresh.digest == lastSeenDigest_ && !force) return false;
    lastSeenDigest_ = fresh.digest;
    if (!fresh.ok()) {
      metrics_.specLoad(false, lastGoodAt_);
      {
        std::lock_guard<std::mutex> lock(publishedMu_);
        specsInvalid_ = fresh.diagnostics.empty() ? "they do not validate"
                                                  : formatDiagnostic(fresh.diagnostics.front());
        if (fresh.errorCount() > 1)
          specsInvalid_ += " (and " + std::to_string(fresh.errorCount() - 1) + " more)";
      }
      spdlog::error("the specs on disk do not validate; the last good specs stay in force");
      // As the command line prints them: the first 50, then how many more.
      constexpr size_t kLogged = 50;
      for (size_t i = 0; i < fresh.diagnostics.size() && i < kLogged; ++i)
        spdlog::error("error: {}", formatDiagnostic(fresh.diagnostics[i]));
      if (fresh.errorCount() > kLogged)
        spdlog::error("... and {} more errors, not shown", fresh.errorCount() - kLogged);
      spdlog::error("{} error{}; nothing was changed.", fresh.errorCount(),
                    fresh.errorCount() == 1 ? "" : "s");
      return false;
    }
    bool changed = fresh.digest != specs_.digest;
    specs_ = std::move(fresh);
    {
      std::lock_guard<std::mutex> lock(publishedMu_);
      specsInvalid_.clear();
      if (changed) {
        lastGoodAt_ = env_.clock.nowSeconds();
        published_ = std::make_shared<const LoadResult>(specs_);
      }
    }
    metrics_.specLoad(true, lastGoodAt_);
    if (changed)
      spdlog::info("specs reloaded: {} resources from {} files", specs_.desired.resources.size(),
                   specs_.files.size());
    return changed || force;
  }

  void cycle(const std::string& trigger) {
    if (!firstCycleStarted_) {
      firstCycleStarted_ = true;
      notifySystemd("READY=1\nSTATUS=first reconcile cycle running");
    }
    RunInfo who = currentProcess("daemon");
    who.specDigest = specs_.digest;
    CycleControls controls;
    controls.execute = options_.selfHeal;
    controls.respectBackoff = true;
    controls.cancel = &cancel_;
    controls.heavyRecheckSeconds = options_.heavyRecheckSeconds;
    PlanCommandOptions planOptions = options_.plan;
    CycleResult result;
    int64_t started = env_.clock.nowMillis();
    spdlog::debug("reconcile cycle ({})", trigger);
    {
      // The cycle reports to the log (journald), not to a terminal.
      LogReporter log;
      struct Restore {
        RunEnv& env;
        Reporter* before;
        ~Restore() { env.reporter = before; }
      } restore{env_, env_.reporter};
      env_.reporter = &log;
      runApplyCycle(env_, common_, planOptions, store_, who, &specs_, controls, result);
    }
    double seconds = static_cast<double>(env_.clock.nowMillis() - started) / 1000.0;
    for (const auto& [name, h] : result.prepared.observed.hosts) {
      hosts_[name] = h;
      // The cycle observed the specs it loaded itself; a host gone from them is not probed.
      const Resource* spec = specs_.desired.find(ResourceId{kind::kHost, name});
      if (spec) {
        std::lock_guard<std::mutex> lock(mu_);
        schedule_.probed(name, env_.clock.nowMillis(), healthPolicyOf(*spec).intervalMs);
      }
    }
    metrics_.cycleDone(result, trigger, seconds, env_.clock.nowSeconds(), options_.selfHeal);
    if (result.backoffs) metrics_.backoffs(*result.backoffs);
    std::string backlog = result.backlog ? backlogLine(result.backlog.value()) : "";
    if (result.summary.empty()) {
      spdlog::error("cycle ({}) could not plan; see the errors above", trigger);
      notifySystemd("STATUS=last cycle could not plan");
    } else {
      auto log = result.outcome == RunOutcome::kOk ? spdlog::level::info : spdlog::level::warn;
      spdlog::log(log, "cycle {} ({}, {:.2f} s): {}. {}", result.runId, trigger, seconds,
                  result.summary, backlog);
      notifySystemd("STATUS=run " + std::to_string(result.runId) + ": " + result.summary);
    }
    firstCycleDone_ = true;
    changes_.bump();
  }

  RunEnv& env_;
  const RunOptions& common_;
  const DaemonOptions& options_;
  Store& store_;
  LoadResult specs_;  // the last good specs (worker only)
  std::string lockId_;
  std::string lastSeenDigest_;
  DaemonMetrics metrics_;
  std::mt19937_64 rng_;
  std::map<std::string, HostObservation> hosts_;  // worker only
  std::atomic<bool> cancel_{false};
  std::atomic<bool> firstCycleStarted_{false};
  std::atomic<bool> firstCycleDone_{false};
  std::atomic<bool> lostLock_{false};
  std::atomic<int64_t> progressMs_{0};
  int stopFd_ = -1;
  web::ChangeFeed changes_;
  mutable std::mutex publishedMu_;
  std::shared_ptr<const LoadResult> published_;  // guarded by publishedMu_
  std::string specsInvalid_;  // the first error of specs on disk that do not validate; publishedMu_
  int64_t lastGoodAt_ = 0;    // when the specs in force were loaded (Unix s); publishedMu_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;    // guarded by mu_
  DaemonSchedule schedule_;  // guarded by mu_
};

// Takes the lock for the daemon's lifetime, breaking it first if its holder is gone (a daemon
// or apply that was SIGKILLed): that is the one case where no one else can be writing.
// `leading`: this daemon won the lease of a shared store; a lock another daemon holds is its
// predecessor's, whose writes the store now refuses (fencing): it is broken whatever its state.
Result<LockInfo> takeDaemonLock(RunEnv& env, Store& store, const RunInfo& who, int64_t waitMs,
                                bool leading) {
  auto lock = takeLock(env.clock, store, who, waitMs);
  if (lock || lock.status().kind() != ErrorKind::kConflict) return lock;
  auto current = store.currentLock();
  if (!current || !current.value()) return lock;
  const bool predecessor = leading && current.value()->operation == "daemon";
  if (!predecessor && holderAlive(*current.value(), env.clock.nowSeconds())) return lock;
  spdlog::warn("breaking a stale lock: {}; {}", describeLock(*current.value()),
               predecessor ? "that daemon no longer leads" : "its process is gone");
  Status broken = store.forceUnlock(current.value()->lockId);
  if (!broken) return broken;
  return store.acquireLock(who.command, who);
}

// One daemon at work: the store's lock, the worker, the HTTP endpoint, until a signal, or (with
// `ha`) until the lease is lost: then `lostLease` is set and the caller rejoins as a standby.
RunOutcome serve(RunEnv& env, const RunOptions& common, const DaemonOptions& options,
                 LoadResult specs, int signalFd, const std::shared_ptr<web::BasicAuth>& webAuth,
                 Leadership* ha, bool& lostLease) {
  auto opened = openStore(env, common.statePath);
  if (!opened) return RunOutcome::kError;
  Store& store = *opened.value();
  RunInfo who = currentProcess("daemon");
  who.specDigest = specs.digest;
  auto lock = takeDaemonLock(env, store, who, options.lockWaitMs, ha != nullptr);
  if (!lock) return lockRefused(env, store, lock.status());
  const std::string lockId = lock.value().lockId;
  // Where reconcile --now checks that the lock row's pid is this daemon (daemon_publication.h).
  auto published = DaemonPublication::publish(lockId);
  if (!published)
    spdlog::warn("{}; reconcile --now will not signal this daemon (systemctl reload still works)",
                 published.status().message());
  spdlog::info(
      "hxctl daemon {} started: pid {}, lock {}, {} resources from {} files, interval "
      "{} ms, self-heal {}",
      HXCTL_VERSION, who.pid, lockId, specs.desired.resources.size(), specs.files.size(),
      options.intervalMs, options.selfHeal ? "on" : "off");

  RunOutcome rc = RunOutcome::kOk;
  {
    Heartbeat heartbeat(env.clock, common.statePath, lockId, options.heartbeatMs);
    Daemon daemon(env, common, options, store, std::move(specs), lockId);
    int wake[2];
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
      releaseOrSay(store, lockId);
      return RunOutcome::kError;
    }
    daemon.setStopFd(wake[1]);

    DaemonHttpServer server([&daemon] { return daemon.renderMetrics(); },
                            [&daemon, &heartbeat]() -> std::pair<bool, std::string> {
                              if (!daemon.firstCycleDone()) return {false, "first cycle not done"};
                              if (!heartbeat.healthy())
                                return {false, "the state store does not take writes"};
                              return {true, daemon.specsProblem()};
                            });
    const std::string listenHost =
        options.metricsAddress.substr(0, options.metricsAddress.rfind(':'));
    web::WebSite site(
        web::WebReaders{
            [&env, &common, &daemon](int64_t generation) {
              return web::buildSnapshot(env, common, *daemon.publishedSpecs(), generation);
            },
            [&env, &common](int64_t run) { return web::readRun(env.clock, common, run); }},
        daemon.changes(), [&env] { return env.clock.nowSeconds(); }, isLoopbackHost(listenHost));
    if (options.metricsAddress != "off") {
      if (options.web) server.enableWeb(site, daemon.changes(), webAuth);
      Status listening = server.start(options.metricsAddress);
      if (!listening) {
        spdlog::error("{}", listening.message());
        releaseOrSay(store, lockId);
        return RunOutcome::kError;
      }
      const std::string& host = listenHost;
      spdlog::info("metrics on http://{}:{}/metrics", host, server.port());
      if (options.web) {
        spdlog::info("web view on http://{}:{}/{}", host, server.port(),
                     webAuth ? " (basic auth)" : "");
        if (!webAuth && !isLoopbackHost(host))
          spdlog::warn(
              "the web view and /metrics listen on {} beyond loopback with no access control: "
              "anyone who reaches this address reads the estate and its backlog. Give "
              "--web-auth FILE (hxctl web-password USER writes its lines), or listen on "
              "127.0.0.1 and open an SSH tunnel",
              host);
      }
    }

    std::thread worker([&daemon] { daemon.work(); });
    SpecWatch watch(common.files);
    const int64_t watchdogMs = systemdWatchdogMs();
    int64_t debounceUntil = 0;
    int64_t renewAt = ha ? env.clock.nowMillis() + ha->renewEveryMs() : 0;
    if (ha) daemon.leadership(ha->me(), true, ha->term());
    bool running = true;
    while (running) {
      int64_t now = env.clock.nowMillis();
      int timeout = 1000;
      if (ha) timeout = static_cast<int>(std::clamp<int64_t>(renewAt - now, 0, timeout));
      if (watchdogMs > 0) timeout = static_cast<int>(std::min<int64_t>(timeout, watchdogMs / 2));
      if (debounceUntil > 0) timeout = static_cast<int>(std::max<int64_t>(0, debounceUntil - now));
      pollfd fds[3] = {{signalFd, POLLIN, 0}, {watch.fd(), POLLIN, 0}, {wake[0], POLLIN, 0}};
      poll(fds, 3, timeout);
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info{};
        while (read(signalFd, &info, sizeof info) == sizeof info) {
          if (info.ssi_signo == SIGHUP) {
            spdlog::info("SIGHUP: reloading the specs and reconciling");
            daemon.request(CycleTrigger::kSighup, true);
          } else {
            spdlog::info("{}: finishing the action in flight, then stopping",
                         info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
            notifySystemd("STOPPING=1");
            running = false;
          }
        }
      }
      if ((fds[1].revents & POLLIN) && watch.drain())
        debounceUntil = env.clock.nowMillis() + options.debounceMs;
      if (fds[2].revents & POLLIN) running = false;  // the worker stopped by itself
      if (debounceUntil > 0 && env.clock.nowMillis() >= debounceUntil) {
        debounceUntil = 0;
        watch.rearm();  // new directories, replaced files
        daemon.request(CycleTrigger::kSpecChange, false);
      }
      if (ha && env.clock.nowMillis() >= renewAt) {
        renewAt = env.clock.nowMillis() + ha->renewEveryMs();
        if (!ha->renew()) {
          spdlog::error(
              "lost the lease (term {}): {}; stopping at once, writes are refused from now on",
              ha->term(),
              ha->leader().empty() ? "no renewal for a whole lease" : ha->leader() + " leads");
          lostLease = true;
          running = false;
        }
      }
      if (watchdogMs > 0 && !daemon.hung()) notifySystemd("WATCHDOG=1");
    }
    daemon.requestStop();
    worker.join();
    server.stop();
    close(wake[0]);
    close(wake[1]);
    if (lostLease) {
      daemon.leadership(ha->me(), false, ha->term());  // its lock is the next leader's to break
    } else if (daemon.lostLock()) {
      rc = RunOutcome::kLocked;
    } else {
      if (!releaseOrSay(store, lockId)) rc = RunOutcome::kError;
      daemon.lockReleased();
    }
  }
  return rc;
}

// A standby: answers /healthz, /readyz (ready: a healthy standby) and /metrics, and tries to take
// the lease every third of its duration. True once it leads; false on SIGTERM or SIGINT.
bool standBy(const DaemonOptions& options, Leadership& ha, int signalFd,
             const std::shared_ptr<web::BasicAuth>& webAuth) {
  if (ha.tryLead()) return true;
  DaemonMetrics metrics(HXCTL_VERSION);
  metrics.leadership(ha.me(), false, ha.term());
  // Who leads, as this standby last read it: /readyz says so (the HTTP threads read it).
  std::mutex leaderMu;
  std::string leaderNow = ha.leader();
  DaemonHttpServer server(
      [&metrics] { return metrics.render(); },
      [&]() -> std::pair<bool, std::string> {
        std::lock_guard<std::mutex> lock(leaderMu);
        return {true, "a standby; " + (leaderNow.empty() ? "no one" : leaderNow) + " leads"};
      });
  if (webAuth) server.requireAuth(webAuth);
  if (options.metricsAddress != "off") {
    Status listening = server.start(options.metricsAddress);
    if (!listening) spdlog::warn("standby: {}", listening.message());
  }
  spdlog::info("standby: {} leads; trying for the lease every {} ms", ha.leader(),
               ha.renewEveryMs());
  notifySystemd("READY=1\nSTATUS=standby");
  while (true) {
    pollfd fd{signalFd, POLLIN, 0};
    poll(&fd, 1, static_cast<int>(ha.renewEveryMs()));
    if (fd.revents & POLLIN) {
      signalfd_siginfo info{};
      while (read(signalFd, &info, sizeof info) == sizeof info)
        if (info.ssi_signo != SIGHUP) {
          spdlog::info("{}: a standby stops at once",
                       info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
          return false;
        }
    }
    const std::string before = ha.leader();
    if (ha.tryLead()) return true;
    if (ha.leader() != before) {
      spdlog::info("standby: {} leads now", ha.leader());
      std::lock_guard<std::mutex> lock(leaderMu);
      leaderNow = ha.leader();
    }
    notifySystemd("WATCHDOG=1");
  }
}

}  // namespace

RunOutcome runDaemon(RunEnv& env, const RunOptions& common, const DaemonOptions& options,
                     LoadResult specs) {
  // Signals are taken from a signalfd by the main thread only: block them before any thread
  // exists, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int signalFd = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signalFd < 0) {
    env.err << "error: signalfd failed\n";
    return RunOutcome::kError;
  }

  std::shared_ptr<web::BasicAuth> webAuth;
  if (!options.webAuthFile.empty()) {
    auto loaded = web::BasicAuth::load(options.webAuthFile);
    if (!loaded) {
      env.err << "error: --web-auth " << loaded.status().message() << "\n";
      close(signalFd);
      return RunOutcome::kError;
    }
    webAuth = loaded.value();
  }
  RunOutcome rc = RunOutcome::kOk;
  if (!Store::isUrl(common.statePath)) {
    bool lostLease = false;
    rc = serve(env, common, options, std::move(specs), signalFd, webAuth, nullptr, lostLease);
  } else {
    // A shared store: daemons on several machines, one leader by lease.
    Leadership ha(env.clock, common.statePath, options.leaseDurationMs);
    spdlog::info("shared store: leader election by lease ({} ms) as \"{}\"", ha.durationMs(),
                 ha.me());
    while (standBy(options, ha, signalFd, webAuth)) {
      spdlog::info("leading, term {}", ha.term());
      RunOptions fenced = common;
      fenced.statePath = ha.fencedUrl();
      bool lostLease = false;
      rc = serve(env, fenced, options, specs, signalFd, webAuth, &ha, lostLease);
      if (!lostLease) {
        ha.release();
        break;
      }
      spdlog::warn("rejoining as a standby");
    }
  }
  close(signalFd);
  spdlog::info("hxctl daemon stopped{}", rc == RunOutcome::kOk ? "; lock released" : "");
  return rc;
}

}  // namespace hx
