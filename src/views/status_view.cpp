#include "src/views/status_view.h"

#include <algorithm>
#include <map>

#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/backlog/backlog.h"

namespace hx {

const char* const kTaskStatusOrder[6] = {"completed", "in_progress", "ready",
                                         "regressed", "blocked",     "held"};

namespace {

Json reviewsJson(const CalendarView& v) {
  Json out = Json::array();
  for (const auto& r : v.reviews)
    out.push_back({{"name", r.name},
                   {"schedule", r.schedule},
                   {"automated", r.automated},
                   {"last", r.last ? Json(formatTime(*r.last).substr(0, 10)) : Json()},
                   {"due", r.due},
                   {"due_since", r.due ? Json(formatTime(r.dueSince)) : Json()},
                   {"next", r.next ? Json(formatTime(r.next)) : Json()}});
  return out;
}

Json escalationJson(const EscalationState& e, int64_t now) {
  return {{"task", e.task},
          {"priority", e.priority},
          {"status", e.status},
          {"for", humanSpan(now - e.since)},
          {"limit", humanSpan(e.after)},
          {"escalated_at", formatTime(e.escalatedAt)},
          {"why", e.why},
          {"since", formatTime(e.since)},
          {"origin", e.origin},
          {"origin_words", e.originWords}};
}

Json evaluationJson(const Resource& task, const TaskEvaluation& e) {
  Json criteria = Json::array();
  for (const auto& c : e.criteria)
    criteria.push_back({{"kind", c.kind},
                        {"subject", c.subject},
                        {"pass", c.pass},
                        {"could_not_check", c.unknown},
                        {"value", c.value},
                        {"threshold", c.threshold},
                        {"detail", c.detail},
                        {"at", c.at ? Json(formatTime(c.at)) : Json()},
                        {"prerequisite", c.prerequisite.empty() ? Json() : Json(c.prerequisite)}});
  return {{"id", task.id.name},
          {"title", task.spec.value("title", "")},
          {"group", task.spec.value("group", "")},
          {"priority", task.spec.value("priority", "")},
          {"effort", task.spec.value("effort", "")},
          {"status", taskStatusName(e.status)},
          {"since", e.since ? Json(formatTime(e.since)) : Json()},
          {"waiting_on", e.waitingOn},
          {"criteria", criteria}};
}

// A task's owner, notes, age and escalation, in its JSON.
void addCalendarFields(Json& j, const Resource& task, const Prepared& p, const CalendarView& v,
                       int64_t now) {
  j["owner"] = task.spec.value("owner", Json());
  j["notes"] = task.spec.value("notes", Json::array());
  const int64_t opened = taskOpenedAt(task, p.loaded.desired, p.store.get());
  j["opened"] = opened ? Json(formatTime(opened).substr(0, 10)) : Json();
  j["age_days"] = opened ? Json((now - opened) / 86400) : Json();
  const EscalationState* e = escalationOf(v, task.id.name);
  j["escalated"] = e ? escalationJson(*e, now) : Json();
}

// Who holds the store (the daemon, an apply): an operator asking "why has this not been applied
// yet?" finds the answer here.
Json writerJson(Store& store) {
  auto lock = store.currentLock();
  if (!lock || !lock.value()) return Json();
  const LockInfo& l = *lock.value();
  return {{"operation", l.operation},         {"pid", l.pid},
          {"hostname", l.hostname},           {"holder", l.holder},
          {"since", formatTime(l.startedAt)}, {"heartbeat", formatTime(l.heartbeatAt)}};
}

// Daemons sharing a PostgreSQL store: who leads, in which term, until when (null when none ever
// led: one daemon on a file, or none).
Json leaderJson(Store& store, int64_t now) {
  auto lease = store.lease();
  if (!lease || !lease.value()) return Json();
  const Lease& l = *lease.value();
  const int64_t expires = (l.renewedMs + l.durationMs) / 1000;
  return {{"holder", l.holder},
          {"term", l.term},
          {"renewed_at", l.renewedMs ? Json(formatTime(l.renewedMs / 1000)) : Json()},
          {"expires_at", formatTime(expires)},
          {"expired", expires < now}};
}

// `due`: the retry time has passed; the next apply or daemon cycle retries it (a time in the
// past shown as "next retry at" reads as a promise broken).
Json backoffsJson(Store& store, int64_t now) {
  Json out = Json::array();
  auto backoffs = store.backoffs();
  if (!backoffs) return out;
  for (const auto& [resource, b] : backoffs.value())
    out.push_back({{"resource", resource},
                   {"failures", b.failures},
                   {"next_retry_at", formatTime(b.nextRetryAt)},
                   {"due", b.nextRetryAt <= now},
                   {"last_error", b.lastError}});
  return out;
}

// What the task's gates (the resources it holds back) plan to do, and what it waits on.
Json referencesJson(const Resource& task, const Prepared& p) {
  Json dependsOn = Json::array(), gates = Json::array();
  for (const auto& ref : task.references) {
    if (ref.role == RefRole::kWaitsOn) dependsOn.push_back(ref.target.str());
    if (ref.role != RefRole::kGates) continue;
    const PlanAction* a = p.plan.find(ref.target);
    gates.push_back({{"resource", ref.target.str()},
                     {"action", a ? Json(actionTypeName(a->type)) : Json()},
                     {"reason", a ? a->reason : ""}});
  }
  return {{"depends_on", dependsOn}, {"gates", gates}};
}

}  // namespace

CalendarView calendarOf(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                        int64_t now) {
  CalendarView v;
  if (const Resource* b = backlogCalendar(p.loaded.desired)) {
    v.reviews = reviewsOf(*b, now);
    v.escalations =
        escalationsOf(*b, p.loaded.desired, evaluations, now,
                      p.store ? statusStartsSeen(*p.store, evaluations) : std::set<std::string>{});
  }
  return v;
}

const EscalationState* escalationOf(const CalendarView& v, const std::string& task) {
  for (const auto& e : v.escalations)
    if (e.task == task) return &e;
  return nullptr;
}

std::string backlogSummary(const std::vector<TaskEvaluation>& evaluations) {
  std::map<std::string, int> counts;
  for (const auto& e : evaluations) ++counts[taskStatusName(e.status)];
  std::string out = std::to_string(evaluations.size()) + " tasks: ";
  bool first = true;
  for (const char* s : kTaskStatusOrder) {
    if (!counts[s]) continue;
    std::string label = s;
    if (label == "in_progress") label = "in progress";
    out += (first ? "" : ", ") + std::to_string(counts[s]) + " " + label;
    first = false;
  }
  return out + ".";
}

std::string taskProof(const TaskEvaluation& e) {
  if (e.status == TaskStatus::kCompleted) {
    int64_t at = 0;
    for (const auto& c : e.criteria) at = std::max(at, c.at);
    return std::to_string(e.criteria.size()) + "/" + std::to_string(e.criteria.size()) +
           " criteria pass" + (at ? " (checked " + formatTime(at) + ")" : "");
  }
  std::string out;
  for (const auto& w : e.waitingOn) out += (out.empty() ? "" : "; ") + w;
  return out;
}

int64_t taskOpenedAt(const Resource& task, const DesiredState& desired, Store* store) {
  if (auto d = task.spec.value("opened", Json()); d.is_string())
    if (auto t = parseDateSeconds(d.get<std::string>())) return *t;
  if (const Resource* b = backlogCalendar(desired))
    if (auto d = b->spec.value("opened", Json()); d.is_string())
      if (auto t = parseDateSeconds(d.get<std::string>())) return *t;
  if (store) {
    auto transitions = store->taskTransitions(task.id.name);
    if (transitions && !transitions.value().empty()) return transitions.value().front().at;
  }
  return 0;
}

Result<std::vector<TaskEvaluation>> recordedBacklog(Prepared& p) {
  // A read-only view records nothing, so it dates nothing: "since" stays as recorded.
  return evaluateBacklog(p.loaded.desired, p.observed, p.plan, {}, *p.store, nullptr, false, 0);
}

Json statusDocument(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                    const CalendarView& calendar, int64_t now) {
  Json tasks = Json::array();
  for (const auto& e : evaluations) {
    const Resource* t = p.loaded.desired.find({kind::kTask, e.task});
    if (!t) continue;
    Json j = evaluationJson(*t, e);
    addCalendarFields(j, *t, p, calendar, now);
    tasks.push_back(std::move(j));
  }
  Json escalated = Json::array();
  for (const auto& x : calendar.escalations) escalated.push_back(escalationJson(x, now));
  Json hosts = Json::array();
  for (const auto* h : p.loaded.desired.ofKind(kind::kHost)) {
    HostObservation o = p.observed.host(h->id.name);
    hosts.push_back({{"name", h->id.name},
                     {"status", hostStatusName(o.status)},
                     {"since", o.since ? Json(formatTime(o.since)) : Json()}});
  }
  return Json{{"hosts", hosts},
              {"tasks", tasks},
              {"summary", backlogSummary(evaluations)},
              {"reviews", reviewsJson(calendar)},
              {"escalated", escalated},
              {"writer", writerJson(*p.store)},
              {"leader", leaderJson(*p.store, now)},
              {"backoffs", backoffsJson(*p.store, now)}};
}

std::optional<Json> taskDocument(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                                 const CalendarView& calendar, const std::string& name,
                                 int64_t now) {
  const Resource* task = p.loaded.desired.find({kind::kTask, name});
  const TaskEvaluation* e = nullptr;
  for (const auto& x : evaluations)
    if (x.task == name) e = &x;
  if (!task || !e) return std::nullopt;
  Json out = evaluationJson(*task, *e);
  addCalendarFields(out, *task, p, calendar, now);
  Json refs = referencesJson(*task, p);
  out["depends_on"] = refs["depends_on"];
  out["gates"] = refs["gates"];
  out["description"] = task->spec.value("description", Json());
  out["hold"] = task->spec.value("hold", Json());
  out["criteria_spec"] = task->spec.value("criteria", Json::array());
  out["escalations"] = Json::array();
  if (auto escalations = p.store->escalations(name))
    for (const auto& x : escalations.value())
      out["escalations"].push_back({{"status", x.status},
                                    {"status_since", formatTime(x.statusSince)},
                                    {"escalated_at", formatTime(x.escalatedAt)},
                                    {"why", x.why}});
  out["transitions"] = Json::array();
  if (auto transitions = p.store->taskTransitions(name))
    for (const auto& t : transitions.value())
      out["transitions"].push_back(
          {{"from", t.from}, {"to", t.to}, {"at", formatTime(t.at)}, {"why", t.why}});
  return out;
}

}  // namespace hx
