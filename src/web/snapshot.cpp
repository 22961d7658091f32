#include "src/web/snapshot.h"

#include <sstream>

#include "reconciler/kinds.h"
#include "src/views/hosts_view.h"
#include "src/views/records_view.h"
#include "src/views/status_view.h"

namespace hx::web {

namespace {

void readRuns(Store& store, Snapshot& s) {
  s.history = Json::array();
  auto runs = store.runs(Snapshot::kRuns);
  if (!runs) return;
  for (const auto& r : runs.value()) {
    Json run = runJson(r);
    s.history.push_back(run);
    run["actions"] = Json::array();
    if (auto actions = store.actions(r.id, Snapshot::kActionsShown))
      for (const auto& a : actions.value()) run["actions"].push_back(actionJson(a));
    auto total = store.actionCount(r.id);
    s.actionTotals[r.id] = total ? total.value() : static_cast<int64_t>(run["actions"].size());
    s.runs[r.id] = std::move(run);
  }
}

}  // namespace

Snapshot buildSnapshot(RunEnv& env, const RunOptions& common, const LoadResult& specs,
                       int64_t generation) {
  Snapshot s;
  s.generation = generation;
  s.builtAt = env.clock.nowSeconds();
  s.estate = common.estate;
  std::ostringstream out, err;
  RunEnv quiet{env.providers, env.prober, env.clock, env.http, env.loopbackOnly, out, err};
  try {
    Prepared p;
    p.loaded = specs;
    p.preloaded = true;
    PlanCommandOptions options;
    options.offline = true;
    if (prepare(quiet, common, options, p, nullptr) != RunOutcome::kOk) {
      s.error = err.str().empty() ? "the store could not be read" : err.str();
      return s;
    }
    auto evaluations = recordedBacklog(p);
    if (!evaluations) {
      s.error = evaluations.status().message();
      return s;
    }
    const int64_t now = env.clock.nowSeconds();
    const CalendarView calendar = calendarOf(p, evaluations.value(), now);
    s.status = statusDocument(p, evaluations.value(), calendar, now);
    s.hosts = hostsDocument(hostViews(p), env.clock.nowMillis());
    s.plan = planJson(p.plan);
    for (const auto& e : evaluations.value())
      if (auto task = taskDocument(p, evaluations.value(), calendar, e.task, now))
        s.tasks[e.task] = std::move(*task);
    readRuns(*p.store, s);
    for (const auto* h : p.loaded.desired.ofKind(kind::kHost)) {
      HostStrip strip{h->id.name, {}};
      if (auto buckets = p.store->probeBuckets(h->id.name, now - 7 * 86400))
        strip.buckets = std::move(buckets.value());
      s.availability.push_back(std::move(strip));
    }
    if (auto transitions = p.store->allTaskTransitions())
      s.taskHistory = std::move(transitions.value());
  } catch (const std::exception& e) {
    s.error = std::string("reading the estate failed: ") + e.what();
  }
  return s;
}

std::optional<Json> readRun(Clock& clock, const RunOptions& common, int64_t runId) {
  try {
    auto store = Store::openReadOnly(common.statePath, clock);
    if (!store) return std::nullopt;
    auto runs = store.value()->runs(Snapshot::kRuns);
    if (!runs) return std::nullopt;
    for (const auto& r : runs.value()) {
      if (r.id != runId) continue;
      auto actions = store.value()->actions(runId);
      if (!actions) return std::nullopt;
      Json out = runJson(r);
      out["actions"] = Json::array();
      for (const auto& a : actions.value()) out["actions"].push_back(actionJson(a));
      return out;
    }
  } catch (const std::exception&) {
    // an unreadable store is "no such run" to the page; the snapshot reports the store's error
  }
  return std::nullopt;
}

}  // namespace hx::web
