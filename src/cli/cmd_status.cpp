// hxctl status: the hosts, then the backlog grouped like the seed document, with what each task
// waits on or what proves it done; `status TASK` tells one task's whole story.
#include <filesystem>
#include <iomanip>

#include "reconciler/calendar.h"
#include "reconciler/kinds.h"
#include "reconciler/task_status.h"
#include "reconciler/values.h"
#include "src/backlog/backlog.h"
#include "src/backlog/baselines.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/cli/table.h"
#include "src/platform/atomic_file.h"
#include "src/run/prepare.h"
#include "src/run/process_info.h"
#include "src/views/criteria_text.h"
#include "src/views/exports.h"
#include "src/views/report_blocks.h"
#include "src/views/status_view.h"

#ifndef HXCTL_VERSION
#define HXCTL_VERSION "dev"
#endif

namespace hx {

namespace {

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
          << humanSpan(now - e.since) << ", since " << formatTime(e.since).substr(0, 10) << " ("
          << e.originWords << "; limit " << humanSpan(e.after) << " for " << e.priority
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
                 {taskProof(*e)}});
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
  if (common.json()) {
    env.out << toJsonText(*taskDocument(p, evaluations, calendar, name, now)) << "\n";
    return exit_code::kOk;
  }
  auto transitions = p.store->taskTransitions(name);
  auto escalations = p.store->escalations(name);
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
  if (int64_t opened = taskOpenedAt(*task, p.loaded.desired, p.store.get()))
    out << "  age " << humanSpan(now - opened) << " (in the backlog since "
        << formatTime(opened).substr(0, 10) << ")\n";
  if (const EscalationState* x = escalationOf(calendar, name))
    out << "  ESCALATED: " << x->status << " for " << humanSpan(now - x->since) << ", since "
        << formatTime(x->since).substr(0, 10) << " (" << x->originWords << "), limit "
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
  evaluations = refresh ? evaluateBacklog(p.loaded.desired, p.observed, p.plan, {}, *p.store,
                                          &runner, true, env.clock.nowSeconds())
                        : recordedBacklog(p);
  if (!evaluations) {
    env.err << "error: " << evaluations.status().message() << "\n";
    return exit_code::kError;
  }
  return exit_code::kOk;
}

}  // namespace

int refreshRecords(CliEnv& env, const CommonOptions& common, bool backlog) {
  if (backlog) {
    PlanCommandOptions options;
    Prepared p;
    Result<std::vector<TaskEvaluation>> evaluations = std::vector<TaskEvaluation>{};
    return readBacklog(env, common, options, true, p, evaluations);
  }
  LoadResult loaded;
  if (int rc = loadValid(env, common, loaded)) return rc;
  auto store = openStore(env, common.statePath);
  if (!store) return exit_code::kError;
  auto previous = store.value()->loadObservations(false);
  if (!previous) {
    env.err << "error: " << previous.status().message() << "\n";
    return exit_code::kError;
  }
  ObservedState probed;
  for (const auto* host : loaded.desired.ofKind(kind::kHost)) {
    HostObservation before = previous.value().host(host->id.name);
    probed.recordProbe(host->id.name, before, env.prober.probe(*host, before));
  }
  if (Status saved = store.value()->saveObservations(probed); !saved) {
    env.err << "error: could not record the probes: " << saved.message() << "\n";
    return exit_code::kError;
  }
  return exit_code::kOk;
}

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
    env.out << toJsonText(statusDocument(p, evaluations.value(), calendar, now)) << "\n";
    return exit_code::kOk;
  }
  renderHosts(env.out, p, common.style);
  renderBacklog(env.out, p, evaluations.value(), common.style, env.columns, now);
  env.out << "\n" << backlogSummary(evaluations.value()) << "\n";
  renderCalendar(env.out, calendar, now, common.style);
  const Json document = statusDocument(p, evaluations.value(), calendar, now);
  renderWriter(env.out, document["writer"], document["backoffs"]);
  if (const Json& leader = document["leader"]; leader.is_object())
    env.out << "Leader: " << leader["holder"].get<std::string>() << " (term "
            << leader["term"].get<int64_t>()
            << (leader["expired"].get<bool>() ? ", lease expired at " : ", lease until ")
            << leader["expires_at"].get<std::string>() << ")\n";
  return exit_code::kOk;
}

int cmdReport(CliEnv& env, const CommonOptions& common, PlanCommandOptions options, bool refresh) {
  Prepared p;
  Result<std::vector<TaskEvaluation>> evaluations = std::vector<TaskEvaluation>{};
  if (int rc = readBacklog(env, common, options, refresh, p, evaluations)) return rc;
  ReportInput in;
  in.desired = &p.loaded.desired;
  in.observed = &p.observed;
  in.plan = &p.plan;
  in.evaluations = &evaluations.value();
  in.generatedAt = env.clock.nowSeconds();
  in.version = HXCTL_VERSION;
  const CalendarView calendar = calendarOf(p, evaluations.value(), in.generatedAt);
  in.reviews = calendar.reviews;
  in.escalations = calendar.escalations;
  // Which `load` checks have a recorded baseline (the document's "Performance Baselines").
  if (p.store)
    for (const auto* t : p.loaded.desired.ofKind(kind::kTask))
      for (const auto& c : t->spec.value("criteria", Json::array())) {
        if (!c.is_object() || !c.contains("load")) continue;
        auto& [have, of] = in.baselines[t->id.name];
        ++of;
        auto b = p.store->loadBaseline(baselineKey(*t, c));
        have += b && b.value().has_value();
      }
  const Json document = backlogReportDocument(in);
  const std::string markdown = renderReportMarkdown(document);
  // -o json keeps its promise of one JSON document: the report's structure, and the Markdown
  // rendered from it.
  if (common.json())
    env.out << toJsonText(Json{{"report", document}, {"markdown", markdown}}) << "\n";
  else
    env.out << markdown;
  return exit_code::kOk;
}

int cmdExport(CliEnv& env, const CommonOptions& common, PlanCommandOptions options,
              const std::string& dir, bool refresh) {
  Prepared p;
  Result<std::vector<TaskEvaluation>> evaluations = std::vector<TaskEvaluation>{};
  if (int rc = readBacklog(env, common, options, refresh, p, evaluations)) return rc;
  ExportInput in{&p.loaded.desired, &p.observed, &evaluations.value()};
  const std::string header =
      "# external-models.yaml: the estate's model servers and models, with their status now.\n";
  // Nothing here is secret; the template is 0600 all the same, since its copy gets the values.
  const std::vector<std::tuple<std::string, std::string, mode_t>> files = {
      {"external-models.yaml", header + toYamlText(externalModels(in)), 0644},
      {"model-collections.json", modelCollections(in).dump(2) + "\n", 0644},
      {"secrets.env.template", secretsEnvTemplate(in), 0600}};
  Json written = Json::array();
  for (const auto& [name, content, mode] : files) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    if (Status s = writeFileAtomically(path, content, mode); !s) {
      env.err << "error: could not write " << path << ": " << s.message() << "\n";
      return exit_code::kError;
    }
    written.push_back({{"path", path}, {"bytes", content.size()}});
    if (!common.json()) env.out << "wrote " << path << " (" << content.size() << " bytes)\n";
  }
  if (common.json()) env.out << toJsonText(Json{{"written", written}}) << "\n";
  return exit_code::kOk;
}

}  // namespace hx
