#include "src/daemon/daemon_metrics.h"

#include "reconciler/calendar.h"
#include "src/backlog/backlog.h"

namespace hx {

namespace {

// controller-runtime's result label, widened to what a declarative plan can say.
std::string resultOf(const ActionResult& r) {
  if (r.outcome == ActionOutcome::kSucceeded) return "success";
  if (r.outcome == ActionOutcome::kFailed) return "error";
  return actionOutcomeName(r.outcome);  // skipped | cancelled
}

}  // namespace

DaemonMetrics::DaemonMetrics(const std::string& version) {
  MetricsRegistry& m = registry_;
  m.gauge("hxctl_build_info", "hxctl's version; always 1");
  m.counter("hxctl_reconcile_total",
            "Resources reconciled, by kind and result (success, unchanged, error, skipped, "
            "cancelled, deferred, refused, drift)");
  m.counter("hxctl_reconcile_errors_total", "Actions that failed, by kind");
  m.histogram("hxctl_reconcile_time_seconds", "Time to carry out one action, by kind",
              MetricsRegistry::defaultBuckets());
  m.counter("hxctl_reconcile_cycles_total", "Reconcile cycles, by trigger and result");
  m.histogram("hxctl_reconcile_cycle_duration_seconds",
              "Time of a whole cycle: observe, plan, apply, read back, backlog",
              MetricsRegistry::defaultBuckets());
  m.gauge("hxctl_last_successful_reconcile_timestamp_seconds",
          "When the last cycle ended without a failed or refused action (unix time)");
  m.gauge("hxctl_deferred_items", "Actions deferred at the last cycle, by kind");
  m.gauge("hxctl_drifted_resources", "Resources that differed from their spec at the last cycle");
  m.counter("hxctl_drift_detected_total",
            "Times a resource hxctl had converged was found changed outside hxctl, by kind");
  m.gauge("hxctl_host_status", "1 for the host's current status, 0 for the others");
  m.gauge("hxctl_host_probe_latency_seconds", "Latency of the host's last health probe");
  m.gauge("hxctl_host_breaker_state", "1 for the state of the host's circuit breaker");
  m.gauge("hxctl_tasks", "Backlog tasks by status");
  m.gauge("hxctl_tasks_escalated",
          "Backlog tasks blocked or regressed longer than their priority's escalation limit");
  m.gauge("hxctl_review_due", "1 while a scheduled backlog review is due, by review");
  m.gauge("hxctl_host_availability_ratio",
          "Share of the window the host was active, as the backlog's availability checks last "
          "measured it from the recorded probes");
  m.gauge("hxctl_model_request_latency_seconds",
          "Latency of requests to a model (generation or embedding) in the backlog's last load "
          "check of it, by model and statistic (avg, p95)");
  m.gauge("hxctl_resource_backoffs", "Resources waiting out a back-off after failures");
  m.counter("hxctl_spec_loads_total", "Spec (re)loads, by result (valid, invalid)");
  m.gauge("hxctl_spec_valid", "1 when the specs on disk validate; 0 while the last good ones rule");
  m.gauge("hxctl_spec_last_good_timestamp_seconds",
          "When the specs in force (the last that validated) were loaded, as Unix time");
  m.gauge("hxctl_lock_held", "1 while the daemon holds the state store's lock");
  m.gauge("hxctl_leader",
          "1 while this daemon leads the daemons sharing its store (by lease), 0 as a standby");
  m.gauge("hxctl_lease_term", "The lease's term as this daemon last saw it");
  m.counter("hxctl_lease_transitions_total",
            "Times this daemon started or stopped leading, by transition (acquired, lost)");
  m.set("hxctl_build_info", {{"version", version}}, 1);
}

void DaemonMetrics::cycleDone(const CycleResult& cycle, const std::string& trigger, double seconds,
                              int64_t nowSeconds, bool selfHeal) {
  MetricsRegistry& m = registry_;
  const Plan& plan = cycle.prepared.plan;
  std::map<ResourceId, const ActionResult*> results;
  for (const auto& r : cycle.results) results[r.id] = &r;
  std::map<std::string, int> deferred;
  std::set<std::string> drifting;
  for (const auto& a : plan.actions) {
    std::string result;
    if (auto it = results.find(a.id); it != results.end()) {
      result = resultOf(*it->second);
      if (result == "error") m.add("hxctl_reconcile_errors_total", {{"kind", a.id.kind}});
      if (result == "success" || result == "error")
        m.observe("hxctl_reconcile_time_seconds", {{"kind", a.id.kind}},
                  static_cast<double>(it->second->durationMs) / 1000.0);
    } else if (a.type == ActionType::kNoOp) {
      result = "unchanged";
    } else if (a.type == ActionType::kDeferred) {
      result = "deferred";
      ++deferred[a.id.kind];
    } else if (isRefusal(a.type)) {
      result = "refused";
    } else if (isChange(a.type) && !selfHeal) {
      result = "drift";
    } else {
      continue;  // orphans and other notes
    }
    m.add("hxctl_reconcile_total", {{"kind", a.id.kind}, {"result", result}});
    // Drift: a change to something hxctl had already converged (it is in the inventory).
    if (isChange(a.type) && cycle.prepared.inventory.find(a.id)) {
      drifting.insert(a.id.str());
      if (!drifting_.count(a.id.str())) m.add("hxctl_drift_detected_total", {{"kind", a.id.kind}});
    }
  }
  drifting_ = std::move(drifting);
  m.set("hxctl_drifted_resources", {}, static_cast<double>(drifting_.size()));
  m.reset("hxctl_deferred_items");
  for (const auto& [kind, n] : deferred) m.set("hxctl_deferred_items", {{"kind", kind}}, n);

  const char* result = cycle.outcome == RunOutcome::kOk || cycle.outcome == RunOutcome::kDeferred
                           ? "success"
                           : "error";
  m.add("hxctl_reconcile_cycles_total", {{"trigger", trigger}, {"result", result}});
  m.observe("hxctl_reconcile_cycle_duration_seconds", {}, seconds);
  if (std::string(result) == "success")
    m.set("hxctl_last_successful_reconcile_timestamp_seconds", {}, static_cast<double>(nowSeconds));

  if (cycle.backlog) {
    std::map<TaskStatus, int> counts;
    // Every value of a state-set is set, so a gauge reads 0 (not absent) for the states not held.
    for (TaskStatus s : kAllTaskStatuses) counts[s] = 0;
    for (const auto& e : cycle.backlog.value()) ++counts[e.status];
    for (const auto& [status, n] : counts)
      m.set("hxctl_tasks", {{"status", taskStatusName(status)}}, n);
    if (const Resource* calendar = backlogCalendar(cycle.prepared.loaded.desired)) {
      std::map<std::string, int> escalated;
      for (const char* p : {"critical", "high", "medium", "low"}) escalated[p] = 0;
      for (const auto& e : escalationsOf(
               *calendar, cycle.prepared.loaded.desired, cycle.backlog.value(), nowSeconds,
               cycle.prepared.store ? statusStartsSeen(*cycle.prepared.store, cycle.backlog.value())
                                    : std::set<std::string>{}))
        ++escalated[e.priority];
      for (const auto& [priority, n] : escalated)
        m.set("hxctl_tasks_escalated", {{"priority", priority}}, n);
      for (const auto& r : reviewsOf(*calendar, nowSeconds))
        if (!r.automated) m.set("hxctl_review_due", {{"review", r.name}}, r.due ? 1 : 0);
    }
    for (const auto& e : cycle.backlog.value())
      for (const auto& c : e.criteria)
        if (c.kind == "availability" && c.figures.count("ratio"))
          m.set("hxctl_host_availability_ratio",
                Labels(c.figureLabels.begin(), c.figureLabels.end()), c.figures.at("ratio"));
        else if (c.kind == "load" && c.subject.rfind("Model/", 0) == 0 && c.figures.count("avgMs"))
          // The model's own request latency, as a load of it measured (the Ollama servers
          // export no metrics of their own): what the "Model request latency" panel draws.
          for (const char* stat : {"avg", "p95"})
            m.set("hxctl_model_request_latency_seconds",
                  {{"model", c.subject.substr(6, c.subject.find(' ') - 6)}, {"stat", stat}},
                  c.figures.at(std::string(stat) + "Ms") / 1000.0);
  }
  hosts(cycle.prepared.observed.hosts);
}

void DaemonMetrics::hosts(const std::map<std::string, HostObservation>& hosts) {
  MetricsRegistry& m = registry_;
  for (const auto& [name, h] : hosts) {
    for (HostStatus s : kAllHostStatuses)
      m.set("hxctl_host_status", {{"host", name}, {"status", hostStatusName(s)}},
            h.status == s ? 1 : 0);
    for (BreakerState s : kAllBreakerStates)
      m.set("hxctl_host_breaker_state", {{"host", name}, {"state", breakerStateName(s)}},
            h.breaker == s ? 1 : 0);
    m.set("hxctl_host_probe_latency_seconds", {{"host", name}},
          static_cast<double>(h.latencyMs) / 1000.0);
  }
}

void DaemonMetrics::specLoad(bool valid, int64_t lastGoodAt) {
  registry_.add("hxctl_spec_loads_total", {{"result", valid ? "valid" : "invalid"}});
  registry_.set("hxctl_spec_valid", {}, valid ? 1 : 0);
  registry_.set("hxctl_spec_last_good_timestamp_seconds", {}, static_cast<double>(lastGoodAt));
}

void DaemonMetrics::lockHeld(bool held) { registry_.set("hxctl_lock_held", {}, held ? 1 : 0); }

void DaemonMetrics::backoffs(int count) {
  registry_.set("hxctl_resource_backoffs", {}, static_cast<double>(count));
}

void DaemonMetrics::leadership(const std::string& instance, bool leading, int64_t term) {
  MetricsRegistry& m = registry_;
  m.set("hxctl_leader", {{"instance", instance}}, leading ? 1 : 0);
  m.set("hxctl_lease_term", {}, static_cast<double>(term));
  if (leading != leading_)
    m.add("hxctl_lease_transitions_total", {{"transition", leading ? "acquired" : "lost"}}, 1);
  leading_ = leading;
}

}  // namespace hx
