// hxctl events: what happened, in time order, from the store: host transitions, task
// transitions and the actions of runs (kubectl get events); --follow keeps printing new ones.
// hxctl wait: block until a task (or a host) reaches a status, as kubectl wait does.
#include <chrono>
#include <thread>

#include "reconciler/kinds.h"
#include "reconciler/schema.h"
#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/run/process_info.h"

namespace hx {

namespace {

struct Event {
  int64_t at = 0;
  std::string object, what;
  bool operator<(const Event& o) const {
    return std::tie(at, object, what) < std::tie(o.at, o.object, o.what);
  }
};

// Every event the store holds for the declared hosts and tasks and the last `runs` runs.
std::vector<Event> eventsOf(Store& store, const DesiredState& desired, int runs) {
  std::vector<Event> out;
  for (const auto* host : desired.ofKind(kind::kHost))
    if (auto ts = store.hostTransitions(host->id.name, 10000))
      for (const auto& t : ts.value())
        out.push_back({t.at, host->id.str(),
                       std::string(hostStatusName(t.from)) + " -> " + hostStatusName(t.to) +
                           (t.evidence.empty() ? "" : ": " + t.evidence)});
  for (const auto* task : desired.ofKind(kind::kTask))
    if (auto ts = store.taskTransitions(task->id.name))
      for (const auto& t : ts.value())
        out.push_back({t.at, task->id.str(),
                       (t.from.empty() ? std::string("first evaluated") : t.from + " ->") + " " +
                           t.to + (t.why.empty() ? "" : ": " + t.why)});
  if (auto recent = store.runs(runs))
    for (const auto& run : recent.value())
      if (auto actions = store.actions(run.id))
        for (const auto& a : actions.value())
          out.push_back(
              {a.startedAt, a.resource,
               a.action + " " + a.status + " (run " + std::to_string(run.id) + ")" +
                   (a.error.empty() ? (a.reason.empty() ? "" : ": " + a.reason) : ": " + a.error)});
  std::sort(out.begin(), out.end());
  return out;
}

Json eventJson(const Event& e) {
  return {{"at", formatTime(e.at)}, {"object", e.object}, {"event", e.what}};
}

void print(CliEnv& env, const CommonOptions& common, const Event& e) {
  if (common.json())
    env.out << eventJson(e).dump() << "\n";  // one JSON object per line (JSON Lines) to follow
  else
    env.out << formatTime(e.at) << "  " << e.object << "  " << e.what << "\n";
  env.out.flush();
}

void sleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

int cmdEvents(CliEnv& env, const CommonOptions& common, const EventsOptions& o) {
  LoadResult loaded;
  if (int rc = loadValid(env, common, loaded)) return rc;
  auto sinceMs = o.since.empty() ? std::optional<int64_t>(0) : parseDurationMs(o.since);
  if (!sinceMs) {
    env.err << "error: --since " << o.since << ": not a duration (e.g. 1h)\n";
    return exit_code::kError;
  }
  const int64_t from = *sinceMs > 0 ? env.clock.nowSeconds() - *sinceMs / 1000 : 0;
  std::set<Event> shown;
  bool first = true;
  for (;;) {
    bool missing = false;
    auto store = Store::openReadOnly(common.statePath, env.clock, &missing);
    if (!store) {
      env.err << "error: " << store.status().message() << "\n";
      return exit_code::kError;
    }
    if (missing && first) noteNoRecords(env, common);
    std::vector<Event> all = eventsOf(*store.value(), loaded.desired, 200);
    std::vector<Event> fresh;
    for (const auto& e : all)
      if (e.at >= from && !shown.count(e)) fresh.push_back(e);
    if (first && !o.follow && static_cast<int>(fresh.size()) > o.limit)
      fresh.erase(fresh.begin(), fresh.end() - o.limit);  // the newest `limit`
    if (first && !o.follow && common.json()) {
      Json out = Json::array();
      for (const auto& e : fresh) out.push_back(eventJson(e));
      env.out << toJsonText(out) << "\n";
      return exit_code::kOk;
    }
    for (const auto& e : fresh) {
      print(env, common, e);
      shown.insert(e);
    }
    if (!o.follow) return exit_code::kOk;
    first = false;
    sleepMs(1000);
  }
}

namespace {

// What the records say of `name` now: its status, and why it is not further.
struct WaitReading {
  std::string status = "not recorded yet", detail;
};

WaitReading readRecords(Store& store, bool task, const std::string& name) {
  WaitReading r;
  if (task) {
    if (auto tasks = store.taskEvaluations()) {
      auto it = tasks.value().find(name);
      if (it != tasks.value().end()) {
        r.status = taskStatusName(it->second.status);
        for (const auto& w : it->second.waitingOn) r.detail += (r.detail.empty() ? "" : "; ") + w;
      }
    }
  } else if (auto observed = store.loadObservations(false)) {
    HostObservation h = observed.value().host(name);
    r.status = hostStatusName(h.status);
    r.detail = h.evidence;
  }
  return r;
}

// The names the records know of one kind, for a did-you-mean when there are no specs.
std::vector<std::string> recordedNames(Store& store, bool task) {
  std::vector<std::string> out;
  if (task) {
    if (auto tasks = store.taskEvaluations())
      for (const auto& [name, e] : tasks.value()) out.push_back(name);
  } else if (auto observed = store.loadObservations(false)) {
    for (const auto& [name, h] : observed.value().hosts) out.push_back(name);
  }
  return out;
}

}  // namespace

int cmdWait(CliEnv& env, CommonOptions common, const WaitOptions& o) {
  auto slash = o.what.find('/');
  const std::string kindName = slash == std::string::npos ? "" : o.what.substr(0, slash);
  const std::string name = slash == std::string::npos ? "" : o.what.substr(slash + 1);
  if (kindName != kind::kTask && kindName != kind::kHost) {
    env.err << "error: wait " << o.what << ": expected Task/ID or Host/NAME\n";
    return exit_code::kInvalidSpec;
  }
  const bool task = kindName == kind::kTask;
  if ((task && !parseTaskStatus(o.status)) || (!task && !parseHostStatus(o.status))) {
    env.err << "error: --for " << o.status << ": not a " << (task ? "task" : "host") << " status\n";
    return exit_code::kError;
  }
  auto timeoutMs = durationFlag(env, "--timeout", o.timeout, "5m");
  if (!timeoutMs) return exit_code::kError;

  // The object must exist: in the specs when there are any, else in the records. Waiting the
  // whole timeout for a typo helps nobody.
  const bool haveSpecs = !common.files.empty();
  std::vector<std::string> names;
  if (haveSpecs) {
    LoadResult loaded;
    if (int rc = loadValid(env, common, loaded)) return rc;
    for (const auto* r : loaded.desired.ofKind(kindName)) names.push_back(r->id.name);
    common.specWarningsShown = true;  // the refreshes below load them again, quietly
  } else if (auto store = Store::openReadOnly(common.statePath, env.clock)) {
    names = recordedNames(*store.value(), task);
  }
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    env.err << "error: wait " << o.what << ": no " << kindName << " \"" << name << "\" "
            << (haveSpecs ? "in the specs" : "in the store's records (and no specs: -f)")
            << didYouMean(name, names) << "\n";
    return exit_code::kInvalidSpec;
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeoutMs);
  bool said = false;
  WaitReading now;
  for (;;) {
    // Nobody keeps the records: wait probes and checks itself, as `status --refresh` does, and
    // records what it found, so every command then shows the same status.
    std::optional<LockInfo> keeper = storeKeeper(env, common);
    if (!keeper && haveSpecs) {
      if (!said)
        env.err << "note: no daemon keeps " << Store::shown(common.statePath)
                << ": wait probes the hosts and "
                << "runs the checks itself, every " << (task ? "2 s" : "second") << "\n";
      if (int rc = refreshRecords(env, common, task)) return rc;
    } else if (!keeper && !said) {
      env.err << "note: no daemon keeps " << Store::shown(common.statePath)
              << " and there are no specs (-f): "
              << "wait reads the records only\n";
    }
    said = true;
    auto store = Store::openReadOnly(common.statePath, env.clock);
    if (!store) {
      env.err << "error: " << store.status().message() << "\n";
      return exit_code::kError;
    }
    now = readRecords(*store.value(), task, name);
    if (now.status == o.status) {
      env.out << o.what << " is " << now.status << "\n";
      return exit_code::kOk;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    sleepMs(keeper || !haveSpecs ? 500 : task ? 2000 : 1000);
  }
  env.err << "error: timed out after " << o.timeout << " waiting for " << o.what << " to be "
          << o.status << ": it is " << now.status
          << (now.detail.empty() ? "" : " (" + now.detail + ")") << "\n";
  return exit_code::kError;
}

}  // namespace hx
