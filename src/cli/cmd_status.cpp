// hxctl status: the hosts, then the backlog grouped like the seed document, with what each task
// waits on or what proves it done; `status TASK` tells one task's whole story.
#include <iomanip>

#include "reconciler/calendar.h"
#include "reconciler/kinds.h"
#include "reconciler/task_status.h"
#include "reconciler/values.h"
#include "src/backlog/backlog.h"
#include "src/cli/commands.h"
#include "src/cli/criteria_text.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/cli/report_markdown.h"
#include "src/cli/table.h"
#include "src/run/prepare.h"

#ifndef HXCTL_VERSION
#define HXCTL_VERSION "dev"
#endif

namespace hx {

namespace {

const char* kOrder[] = {"completed", "in_progress", "ready", "regressed", "blocked", "held"};

std::string summaryOf(const std::vector<TaskEvaluation>& evaluations) {
  std::map<std::string, int> counts;
  for (const auto& e : evaluations) ++counts[taskStatusName(e.status)];
  std::string out = std::to_string(evaluations.size()) + " tasks: ";
  bool first = true;
  for (const char* s : kOrder) {
    if (!counts[s]) continue;
    std::string label = s;
    if (label == "in_progress") label = "in progress";
    out += (first ? "" : ", ") + std::to_string(counts[s]) + " " + label;
    first = false;
  }
  return out + ".";
}

std::string proof(const TaskEvaluation& e) {
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

// When a task entered the backlog: its `opened`, else the Backlog's, else its first recorded
// transition (0 when none is known).
int64_t openedAt(const Resource& task, const DesiredState& desired, Store* store) {
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

// The calendar's view now: reviews and escalations (empty without a Backlog resource).
struct CalendarView {
  std::vector<ReviewState> reviews;
  std::vector<EscalationState> escalations;
};

CalendarView calendarOf(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                        int64_t now) {
  CalendarView v;
  if (const Resource* b = backlogCalendar(p.loaded.desired)) {
    v.reviews = reviewsOf(*b, now);
    v.escalations = escalationsOf(*b, p.loaded.desired, evaluations, now);
  }
  return v;
}

const EscalationState* escalationOf(const CalendarView& v, const std::string& task) {
  for (const auto& e : v.escalations)
    if (e.task == task) return &e;
  return nullptr;
}

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
          {"why", e.why}};
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
                        {"at", c.at ? Json(formatTime(c.at)) : Json()}});
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
  const int64_t opened = openedAt(task, p.loaded.desired, p.store.get());
  j["opened"] = opened ? Json(formatTime(opened).substr(0, 10)) : Json();
  j["age_days"] = opened ? Json((now - opened) / 86400) : Json();
  const EscalationState* e = escalationOf(v, task.id.name);
  j["escalated"] = e ? escalationJson(*e, now) : Json();
}

void renderCalendar(std::ostream& out, const CalendarView& v, int64_t now, const Style& style) {
  if (!v.reviews.empty()) {
    out << "\n" << style.paint("Reviews", "1") << "\n";
    for (const auto& r : v.reviews) {
      out << "  " << std::left << std::setw(22) << r.name << std::setw(40) << r.schedule;
      if (r.automated)
        out << "done by hxctl's probes";
      else if (r.due)
        out << style.paint("review due", "33") << " since " << formatTime(r.dueSince)
            << (r.last ? " (last " + formatTime(*r.last).substr(0, 10) + ")" : " (never held)");
      else
        out << "next " << formatTime(r.next)
            << (r.last ? " (last " + formatTime(*r.last).substr(0, 10) + ")" : "");
      out << "\n";
    }
  }
  if (!v.escalations.empty()) {
    out << "\n" << style.paint("Escalated", "1") << "\n";
    for (const auto& e : v.escalations)
      out << "  " << std::left << std::setw(9) << e.task << style.paint(e.status, "31") << " for "
          << humanSpan(now - e.since) << " (limit " << humanSpan(e.after) << " for " << e.priority
          << " priority" << (e.why.empty() ? "" : ": " + e.why) << ")\n";
  }
}

void renderHosts(std::ostream& out, const Prepared& p, const Style& style) {
  out << style.paint("Hosts", "1") << "\n";
  for (const auto* h : p.loaded.desired.ofKind(kind::kHost)) {
    HostObservation o = p.observed.host(h->id.name);
    out << "  " << std::left << std::setw(18) << h->id.name
        << style.paint(hostStatusName(o.status), o.status == HostStatus::kActive ? "32" : "33")
        << (o.since ? " since " + formatTime(o.since) : " (never seen healthy)") << "\n";
  }
}

void renderBacklog(std::ostream& out, const Prepared& p,
                   const std::vector<TaskEvaluation>& evaluations, const Style& style, size_t width,
                   int64_t now) {
  std::vector<std::string> groups;
  for (const auto* t : p.loaded.desired.ofKind(kind::kTask)) {
    std::string g = t->spec.value("group", "Other");
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  for (const auto& g : groups) {
    Table table(
        {"TASK", "TITLE", "PRIORITY", "EFFORT", "STATUS", "SINCE", "WAITING ON / PROVEN BY"},
        {false, true, false, false, false, false, true}, "  ");
    table.dropFirst({3, 2, 5});  // effort, priority, since: status -o json has them all
    for (const auto* t : p.loaded.desired.ofKind(kind::kTask)) {
      if (t->spec.value("group", "Other") != g) continue;
      const TaskEvaluation* e = nullptr;
      for (const auto& x : evaluations)
        if (x.task == t->id.name) e = &x;
      if (!e) continue;
      const char* color = e->status == TaskStatus::kCompleted   ? "32"
                          : e->status == TaskStatus::kRegressed ? "31"
                                                                : "33";
      table.add({{t->id.name},
                 {t->spec.value("title", "")},
                 {t->spec.value("priority", "")},
                 {t->spec.value("effort", "-")},
                 {taskStatusName(e->status), color},
                 {e->since ? ago(e->since, now) : "-"},
                 {proof(*e)}});
    }
    out << "\n" << style.paint(g, "1") << "\n";
    table.render(out, width, style);
  }
}

int renderTask(CliEnv& env, const CommonOptions& common, const Prepared& p,
               const std::vector<TaskEvaluation>& evaluations, const CalendarView& calendar,
               const std::string& name) {
  const int64_t now = env.clock.nowSeconds();
  const Resource* task = p.loaded.desired.find({kind::kTask, name});
  const TaskEvaluation* e = nullptr;
  for (const auto& x : evaluations)
    if (x.task == name) e = &x;
  if (!task || !e) {
    env.err << "error: no task " << name << " in the specs\n";
    return exit_code::kError;
  }
  auto transitions = p.store->taskTransitions(name);
  auto escalations = p.store->escalations(name);
  if (common.json()) {
    Json out = evaluationJson(*task, *e);
    addCalendarFields(out, *task, p, calendar, now);
    out["escalations"] = Json::array();
    if (escalations)
      for (const auto& x : escalations.value())
        out["escalations"].push_back({{"status", x.status},
                                      {"status_since", formatTime(x.statusSince)},
                                      {"escalated_at", formatTime(x.escalatedAt)},
                                      {"why", x.why}});
    out["transitions"] = Json::array();
    if (transitions)
      for (const auto& t : transitions.value())
        out["transitions"].push_back(
            {{"from", t.from}, {"to", t.to}, {"at", formatTime(t.at)}, {"why", t.why}});
    env.out << toJsonText(out) << "\n";
    return exit_code::kOk;
  }
  std::ostream& out = env.out;
  out << "Task " << name << ": " << task->spec.value("title", "") << "\n"
      << "  group " << task->spec.value("group", "-") << ", priority "
      << task->spec.value("priority", "-") << ", effort " << task->spec.value("effort", "-") << "\n"
      << "  status " << taskStatusName(e->status)
      << (e->since ? " since " + formatTime(e->since) : "") << "\n";
  if (task->spec.contains("hold")) {
    const Json& hold = task->spec["hold"];
    out << "  hold: " << hold.value("reason", "");
    if (hold.contains("by") || hold.contains("since"))
      out << " (" << (hold.contains("by") ? "by " + hold.value("by", "") : std::string())
          << (hold.contains("by") && hold.contains("since") ? ", " : "")
          << (hold.contains("since") ? "since " + hold.value("since", "") : std::string()) << ")";
    out << "\n";
  }
  if (task->spec.contains("description"))
    out << "  " << task->spec.value("description", "") << "\n";
  if (task->spec.contains("owner")) out << "  owner " << task->spec.value("owner", "") << "\n";
  if (int64_t opened = openedAt(*task, p.loaded.desired, p.store.get()))
    out << "  age " << humanSpan(now - opened) << " (in the backlog since "
        << formatTime(opened).substr(0, 10) << ")\n";
  if (const EscalationState* x = escalationOf(calendar, name))
    out << "  ESCALATED: " << x->status << " for " << humanSpan(now - x->since) << ", limit "
        << humanSpan(x->after) << " for " << x->priority << " priority"
        << (x->why.empty() ? "" : " (" + x->why + ")") << "\n";
  for (const auto& note : task->spec.value("notes", Json::array()))
    if (note.is_string()) out << "  note: " << note.get<std::string>() << "\n";
  out << "\nDepends on\n";
  for (const auto& ref : task->references)
    if (ref.role == RefRole::kWaitsOn) out << "  " << ref.target.str() << "\n";
  out << "\nGates\n";
  for (const auto& ref : task->references)
    if (ref.role == RefRole::kGates) {
      const PlanAction* a = p.plan.find(ref.target);
      out << "  " << ref.target.str() << ": " << (a ? actionTypeName(a->type) : "?")
          << (a && !a->reason.empty() ? " (" + a->reason + ")" : "") << "\n";
    }
  out << "\nCriteria\n";
  size_t i = 0;
  for (const auto& c : task->spec.value("criteria", Json::array())) {
    out << "  "
        << (i < e->criteria.size() ? (e->criteria[i].pass      ? "pass "
                                      : e->criteria[i].unknown ? "?    "
                                                               : "FAIL ")
                                   : "--   ")
        << criterionSentence(c);
    if (i < e->criteria.size()) {
      const auto& r = e->criteria[i];
      out << "\n       " << r.value << " (required: " << r.threshold << ")"
          << (r.at ? ", checked " + formatTime(r.at) : "")
          << (r.detail.empty() ? "" : ": " + r.detail);
    } else {
      out << "\n       not checked (" << taskStatusName(e->status) << ")";
    }
    out << "\n";
    ++i;
  }
  if (escalations && !escalations.value().empty()) {
    out << "\nEscalations\n";
    for (const auto& x : escalations.value())
      out << "  " << formatTime(x.escalatedAt) << "  " << x.status << " since "
          << formatTime(x.statusSince) << " (" << x.priority << " priority"
          << (x.why.empty() ? "" : ": " + x.why) << ")\n";
  }
  out << "\nTransitions\n";
  if (transitions)
    for (const auto& t : transitions.value())
      out << "  " << formatTime(t.at) << "  " << (t.from.empty() ? "(new)" : t.from) << " -> "
          << t.to << (t.why.empty() ? "" : "  " + t.why) << "\n";
  return exit_code::kOk;
}

// Who holds the store (the daemon, an apply) and what the daemon is backing off from: an operator
// asking "why has this not been applied yet?" finds the answer here.
Json writerJson(Store& store) {
  auto lock = store.currentLock();
  if (!lock || !lock.value()) return Json();
  const LockInfo& l = *lock.value();
  return {{"operation", l.operation},         {"pid", l.pid},
          {"hostname", l.hostname},           {"holder", l.holder},
          {"since", formatTime(l.startedAt)}, {"heartbeat", formatTime(l.heartbeatAt)}};
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

void renderWriter(std::ostream& out, const Json& writer, const Json& backoffs) {
  if (!writer.is_null())
    out << "\n"
        << (writer["operation"] == "daemon" ? "Daemon: running" : "Lock: held by an apply")
        << " (pid " << writer["pid"].get<int>() << " on " << writer["hostname"].get<std::string>()
        << " since " << writer["since"].get<std::string>() << ", last heartbeat "
        << writer["heartbeat"].get<std::string>() << ")\n";
  if (backoffs.empty()) return;
  out << "\nBacking off after failures:\n";
  for (const auto& b : backoffs)
    out << "  " << b["resource"].get<std::string>() << "  " << b["failures"].get<int>()
        << " failure(s), "
        << (b.value("due", false) ? "retried by the next apply or daemon cycle (was due "
                                  : "next retry at ")
        << b["next_retry_at"].get<std::string>() << (b.value("due", false) ? ")" : "") << ": "
        << b["last_error"].get<std::string>() << "\n";
}

// What `status` and `report` show: the specs, the recorded (or, with `refresh`, a fresh)
// observation and plan, and the backlog evaluated against them. Returns an exit code on failure.
int readBacklog(CliEnv& env, const CommonOptions& common, PlanCommandOptions& options, bool refresh,
                Prepared& p, Result<std::vector<TaskEvaluation>>& evaluations) {
  options.offline = !refresh;
  options.record = refresh;  // --refresh is the explicit write: probes, checks and their records
  if (int rc = loadAndPrepare(env, common, options, p)) return rc;
  if (p.storeMissing) noteNoRecords(env, common);
  CriteriaRunner runner(env.http, env.clock, env.loopbackOnly);
  // A read-only view records nothing, so it dates nothing: "since" stays as recorded.
  evaluations =
      evaluateBacklog(p.loaded.desired, p.observed, p.plan, {}, *p.store,
                      refresh ? &runner : nullptr, refresh, refresh ? env.clock.nowSeconds() : 0);
  if (!evaluations) {
    env.err << "error: " << evaluations.status().message() << "\n";
    return exit_code::kError;
  }
  return exit_code::kOk;
}

}  // namespace

int cmdStatus(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
              const std::string& task, bool refresh) {
  Prepared p;
  Result<std::vector<TaskEvaluation>> evaluations = std::vector<TaskEvaluation>{};
  if (int rc = readBacklog(env, common, options, refresh, p, evaluations)) return rc;
  if (!options.plan.labels.empty()) {  // -l: only the tasks that carry every label
    auto& all = evaluations.value();
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const TaskEvaluation& e) {
                               const Resource* t = p.loaded.desired.find({kind::kTask, e.task});
                               for (const auto& [k, v] : options.plan.labels)
                                 if (!t || !t->labels.count(k) || t->labels.at(k) != v) return true;
                               return false;
                             }),
              all.end());
  }
  const int64_t now = env.clock.nowSeconds();
  const CalendarView calendar = calendarOf(p, evaluations.value(), now);
  if (!task.empty()) return renderTask(env, common, p, evaluations.value(), calendar, task);
  if (common.json()) {
    Json tasks = Json::array();
    for (const auto& e : evaluations.value()) {
      const Resource& t = *p.loaded.desired.find({kind::kTask, e.task});
      Json j = evaluationJson(t, e);
      addCalendarFields(j, t, p, calendar, now);
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
    env.out << toJsonText(Json{{"hosts", hosts},
                               {"tasks", tasks},
                               {"summary", summaryOf(evaluations.value())},
                               {"reviews", reviewsJson(calendar)},
                               {"escalated", escalated},
                               {"writer", writerJson(*p.store)},
                               {"backoffs", backoffsJson(*p.store, now)}})
            << "\n";
    return exit_code::kOk;
  }
  renderHosts(env.out, p, common.style);
  renderBacklog(env.out, p, evaluations.value(), common.style, env.columns, now);
  env.out << "\n" << summaryOf(evaluations.value()) << "\n";
  renderCalendar(env.out, calendar, now, common.style);
  renderWriter(env.out, writerJson(*p.store), backoffsJson(*p.store, now));
  return exit_code::kOk;
}

int cmdReport(CliEnv& env, const CommonOptions& common, PlanCommandOptions options, bool refresh) {
  Prepared p;
  Result<std::vector<TaskEvaluation>> evaluations = std::vector<TaskEvaluation>{};
  if (int rc = readBacklog(env, common, options, refresh, p, evaluations)) return rc;
  ReportInput in;
  in.desired = &p.loaded.desired;
  in.observed = &p.observed;
  in.evaluations = &evaluations.value();
  in.generatedAt = env.clock.nowSeconds();
  in.version = HXCTL_VERSION;
  // -o json keeps its promise of one JSON document: the Markdown as its one string.
  if (common.json())
    env.out << toJsonText(Json{{"report", backlogReport(in)}}) << "\n";
  else
    env.out << backlogReport(in);
  return exit_code::kOk;
}

}  // namespace hx
