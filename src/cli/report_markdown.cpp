#include "src/cli/report_markdown.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "reconciler/calendar.h"
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/task_status.h"

namespace hx {

namespace {

std::string cap(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// A table cell: no line breaks, no column separators.
std::string cell(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '|') c = ' ';
  return s;
}

std::string statusWord(TaskStatus s) {
  std::string w = taskStatusName(s);
  std::replace(w.begin(), w.end(), '_', ' ');
  return w;
}

const TaskEvaluation* evaluationOf(const ReportInput& in, const std::string& task) {
  for (const auto& e : *in.evaluations)
    if (e.task == task) return &e;
  return nullptr;
}

std::string evidence(const CriterionResult& r) {
  std::string s = r.kind + " " + r.subject + ": " + r.value;
  if (!r.pass && !r.detail.empty()) s += " (" + r.detail + ")";
  if (r.at) s += ", " + formatTime(r.at);
  return s;
}

// One completion criterion in the operators' words, with what proves it (or why not yet).
void criterionLine(std::ostream& out, const Resource& task, const TaskEvaluation& e,
                   const std::string& text) {
  const Json criteria = task.spec.value("criteria", Json::array());
  std::vector<const CriterionResult*> results;
  bool any = false;
  for (size_t i = 0; i < criteria.size(); ++i) {
    auto texts = criterionProves(criteria[i]);
    if (std::find(texts.begin(), texts.end(), text) == texts.end()) continue;
    any = true;
    if (i < e.criteria.size()) results.push_back(&e.criteria[i]);
  }
  const bool checked = any && !results.empty();
  const bool pass = checked && std::all_of(results.begin(), results.end(),
                                           [](const CriterionResult* r) { return r->pass; });
  out << "  - [" << (pass ? "x" : " ") << "] " << text;
  if (!checked) {
    out << " — not checked yet (the task is " << statusWord(e.status) << ")\n";
    return;
  }
  for (const auto* r : results)
    if (!r->pass) {
      out << " — " << (r->value == "needs a person" ? r->detail : evidence(*r)) << "\n";
      return;
    }
  out << " — proven: " << evidence(*results.front());
  if (results.size() > 1) out << " (and " << results.size() - 1 << " more)";
  out << "\n";
}

void taskSection(std::ostream& out, const ReportInput& in, const Resource& t) {
  const TaskEvaluation* e = evaluationOf(in, t.id.name);
  if (!e) return;
  const Json& s = t.spec;
  out << "\n**" << t.id.name << " - " << s.value("title", "") << "**"
      << (s.value("optional", false) ? " (optional)" : "") << "\n";
  if (s.contains("description"))
    out << "- **Description:** " << s["description"].get<std::string>() << "\n";
  if (s.contains("dependency"))
    out << "- **Dependency:** " << s["dependency"].get<std::string>() << "\n";
  out << "- **Priority:** " << cap(s.value("priority", "")) << "\n";
  if (s.contains("effort"))
    out << "- **Estimated Effort:** " << s["effort"].get<std::string>() << "\n";
  out << "- **Status:** " << cap(statusWord(e->status))
      << (e->since ? " since " + formatTime(e->since) : "");
  if (s.contains("hold"))
    out << " — held: " << s["hold"].value("reason", "")
        << (s["hold"].contains("since") ? " (since " + s["hold"]["since"].get<std::string>() + ")"
                                        : "");
  else if (!e->waitingOn.empty() && e->status != TaskStatus::kCompleted)
    out << " — waiting on: " << e->waitingOn.front()
        << (e->waitingOn.size() > 1 ? " (+" + std::to_string(e->waitingOn.size() - 1) + " more)"
                                    : "");
  out << "\n";
  if (s.contains("prerequisites")) {
    out << "- **Prerequisites:**\n";
    for (const auto& p : s["prerequisites"]) {
      out << "  - " << prerequisiteWords(p);
      // A checked one says how it stands: not met (as recorded), or met when the task got past
      // it to its criteria.
      if (p.is_object() && p.contains("check")) {
        const CriterionResult* failed = nullptr;
        for (const auto& c : e->criteria)
          if (c.prerequisite == prerequisiteWords(p)) failed = &c;
        const bool reached = !e->criteria.empty() && e->criteria.front().prerequisite.empty();
        if (failed)
          out << " — **not met:** " << failed->kind << " " << failed->subject << ": "
              << failed->detail;
        else if (reached)
          out << " — met (checked: " << p["check"].begin().key() << ")";
        else
          out << " — checked by " << p["check"].begin().key() << " once the task can start";
      }
      out << "\n";
    }
  }
  if (s.contains("completionCriteria")) {
    out << "- **Completion Criteria:**\n";
    for (const auto& c : s["completionCriteria"]) criterionLine(out, t, *e, c.get<std::string>());
  }
  const Json details = s.value("details", Json::object());  // items() needs a living object
  for (const auto& [heading, items] : details.items()) {
    out << "- **" << heading << ":**\n";
    for (const auto& i : items) out << "  - " << i.get<std::string>() << "\n";
  }
}

}  // namespace

std::string backlogReport(const ReportInput& in) {
  const DesiredState& d = *in.desired;
  std::ostringstream out;
  std::map<std::string, int> counts;
  for (const auto& e : *in.evaluations) ++counts[statusWord(e.status)];
  int active = 0, hosts = 0;
  for (const auto* h : d.ofKind(kind::kHost)) {
    ++hosts;
    active += in.observed->host(h->id.name).status == HostStatus::kActive;
  }
  out << "# Task Backlog\n\n"
      << "**Generated:** " << formatTime(in.generatedAt) << " by hxctl " << in.version
      << " from the estate's recorded state\n\n"
      << "**Purpose:** Track all tasks and sub-tasks deferred due to external dependencies\n\n"
      << "**Status:** " << in.evaluations->size() << " tasks";
  for (const char* s : {"completed", "in progress", "ready", "regressed", "blocked", "held"})
    if (counts[s]) out << ", " << counts[s] << " " << s;
  out << "\n\n## Executive Summary\n\n"
      << active << " of " << hosts << " hosts are active. Every status below is derived from what "
      << "hxctl observed and the checks it ran; a criterion no check can prove says it needs a "
      << "person, and only a confirmation recorded in the specs completes it.\n";

  out << "\n## Backlog Categories\n";
  std::vector<std::string> groups;
  for (const auto* t : d.ofKind(kind::kTask)) {
    std::string g = t->spec.value("group", "Other");
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  for (const auto& g : groups) {
    out << "\n### " << g << "\n";
    for (const auto* t : d.ofKind(kind::kTask))
      if (t->spec.value("group", "Other") == g) taskSection(out, in, *t);
  }

  out << "\n---\n\n## Dependency Tracking\n\n### Host Status\n"
      << "| Host | Address | Status | Since | Models | Evidence |\n|---|---|---|---|---|---|\n";
  for (const auto* h : d.ofKind(kind::kHost)) {
    HostObservation o = in.observed->host(h->id.name);
    std::string models;
    for (const auto* m : d.ofKind(kind::kModel))
      if (m->spec.value("host", "") == h->id.name)
        models += (models.empty() ? "" : ", ") + m->id.name;
    out << "| " << h->id.name << " | " << h->spec.value("address", "") << " | "
        << hostStatusName(o.status) << " | "
        << (o.since ? formatTime(o.since) : "never seen healthy") << " | "
        << (models.empty() ? "-" : models) << " | " << cell(o.evidence) << " |\n";
  }
  // The seed's "Network Connectivity Status", from hxctl's last probe of each host.
  out << "\n### Network Connectivity\n";
  for (const auto* h : d.ofKind(kind::kHost)) {
    HostObservation o = in.observed->host(h->id.name);
    out << "- **" << h->spec.value("address", "") << " (" << h->id.name << "):** ";
    if (!o.lastProbeMs)
      out << "not probed yet\n";
    else if (o.failures == 0)
      out << "reachable (answered in " << o.latencyMs << " ms"
          << (o.version.empty() ? "" : ", " + o.version) << ")\n";
    else
      out << "not answering (" << o.failures << " failed probe(s)"
          << (o.evidence.empty() ? "" : ": " + cell(o.evidence)) << ")\n";
  }
  // The seed's "External Dependencies": what the unfinished tasks wait on, in their own words.
  out << "\n### External Dependencies\n| Dependency | Tasks | Status | Impact |\n"
      << "|---|---|---|---|\n";
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Resource*>> waiting;
  for (const auto* t : d.ofKind(kind::kTask)) {
    const TaskEvaluation* e = evaluationOf(in, t->id.name);
    if (!t->spec.contains("dependency") || (e && e->status == TaskStatus::kCompleted)) continue;
    std::string dep = t->spec.value("dependency", "");
    if (!waiting.count(dep)) order.push_back(dep);
    waiting[dep].push_back(t);
  }
  const std::vector<std::string> priorities = {"critical", "high", "medium", "low"};
  for (const auto& dep : order) {
    std::string ids, statuses;
    size_t impact = priorities.size() - 1;
    std::map<std::string, int> byStatus;
    for (const Resource* t : waiting[dep]) {
      ids += (ids.empty() ? "" : ", ") + t->id.name;
      const TaskEvaluation* e = evaluationOf(in, t->id.name);
      ++byStatus[e ? statusWord(e->status) : "not evaluated"];
      auto p = std::find(priorities.begin(), priorities.end(), t->spec.value("priority", "low"));
      impact = std::min(impact, static_cast<size_t>(p - priorities.begin()));
    }
    for (const auto& [status, n] : byStatus)
      statuses += (statuses.empty() ? "" : ", ") + std::to_string(n) + " " + status;
    out << "| " << cell(dep) << " | " << ids << " | " << statuses << " | "
        << cap(priorities[std::min(impact, priorities.size() - 1)]) << " |\n";
  }
  out << "\n### Holds (decisions)\n| Task | Reason | By | Since |\n|---|---|---|---|\n";
  for (const auto* t : d.ofKind(kind::kTask))
    if (t->spec.contains("hold")) {
      const Json& h = t->spec["hold"];
      out << "| " << t->id.name << " | " << cell(h.value("reason", "")) << " | "
          << h.value("by", "-") << " | " << h.value("since", "-") << " |\n";
    }

  if (const Resource* calendar = backlogCalendar(*in.desired)) {
    out << "\n---\n\n## Backlog Management\n\n### Review Schedule\n"
        << "| Review | When | Last | Status |\n|---|---|---|---|\n";
    for (const auto& r : reviewsOf(*calendar, in.generatedAt))
      out << "| " << cell(r.name) << " | " << r.schedule << " | "
          << (r.last ? formatTime(*r.last).substr(0, 10) : "-") << " | "
          << (r.automated ? std::string("done by hxctl's probes")
              : r.due     ? "**review due** since " + formatTime(r.dueSince)
                          : "next " + formatTime(r.next))
          << " |\n";
    out << "\n### Escalation Criteria\n";
    for (const auto& rule : calendar->spec.value("escalation", Json::array()))
      out << "- **" << cap(rule.value("priority", "")) << " Priority:** " << rule.value("why", "")
          << " (escalated when blocked or regressed longer than " << rule.value("after", "")
          << ")\n";
    out << "\n### Escalated\n";
    auto escalated = escalationsOf(*calendar, *in.desired, *in.evaluations, in.generatedAt);
    for (const auto& e : escalated)
      out << "- " << e.task << ": " << e.status << " for " << humanSpan(in.generatedAt - e.since)
          << " (limit " << humanSpan(e.after) << " for " << e.priority << " priority)\n";
    if (escalated.empty()) out << "- nothing\n";
  }
  out << "\n## Action Items\n\n### Needs a person\n";
  bool anyManual = false;
  for (const auto* t : d.ofKind(kind::kTask)) {
    const TaskEvaluation* e = evaluationOf(in, t->id.name);
    for (const auto& c : t->spec.value("criteria", Json::array())) {
      if (c.begin().key() != "manual" || c.begin().value().contains("confirmed")) continue;
      anyManual = true;
      out << "- " << t->id.name << ": " << c.begin().value().value("criterion", "")
          << (e && (e->status == TaskStatus::kBlocked || e->status == TaskStatus::kHeld)
                  ? " (once the task is no longer " + statusWord(e->status) + ")"
                  : "")
          << "\n";
    }
  }
  if (!anyManual) out << "- nothing\n";
  out << "\n### Ready for work\n";
  bool anyReady = false;
  for (const auto& e : *in.evaluations)
    if (e.status == TaskStatus::kReady || e.status == TaskStatus::kInProgress ||
        e.status == TaskStatus::kRegressed) {
      anyReady = true;
      out << "- " << e.task << " (" << statusWord(e.status) << ")\n";
    }
  if (!anyReady) out << "- nothing: every task is blocked, held or completed\n";

  out << "\n## Completion Tracking\n| Status | Tasks |\n|---|---|\n";
  for (const char* s : {"completed", "in progress", "ready", "regressed", "blocked", "held"}) {
    std::string ids;
    for (const auto& e : *in.evaluations)
      if (statusWord(e.status) == s) ids += (ids.empty() ? "" : ", ") + e.task;
    out << "| " << cap(s) << " | " << (ids.empty() ? "-" : ids) << " |\n";
  }

  out << "\n## Documentation Updates\n\n### Models (external-models.yaml)\n"
      << "| Model | Host | Served as | On its host |\n|---|---|---|---|\n";
  for (const auto* m : d.ofKind(kind::kModel)) {
    const std::string host = objectHost(*m);
    const bool there = in.observed->find(kind::kModel, host, objectKey(*m)) != nullptr;
    const bool seen = in.observed->host(host).status == HostStatus::kActive;
    out << "| " << m->id.name << " | " << host << " | " << m->spec.value("model", "") << " | "
        << (there  ? "present"
            : seen ? "missing"
                   : "not observed (host not active)")
        << " |\n";
  }
  out << "\n### Model-collection mapping (model-collections.json)\n"
      << "| Collection | Server | Embedding model | Last ingest evidence |\n|---|---|---|---|\n";
  for (const auto* c : d.ofKind(kind::kCollection)) {
    std::string model = c->spec.value("embeddingModel", "-"), ingest = "not run yet";
    for (const auto& e : *in.evaluations)
      for (const auto& r : e.criteria)
        if (r.kind == "ingest" && r.subject.size() >= c->id.str().size() &&
            r.subject.compare(r.subject.size() - c->id.str().size(), std::string::npos,
                              c->id.str()) == 0)
          ingest = (r.pass      ? "passed: "
                    : r.unknown ? "not checked: "
                                : "failed: ") +
                   r.value + (r.at ? ", " + formatTime(r.at) : "");
    out << "| " << c->id.name << " | " << objectHost(*c) << " | " << model << " | " << cell(ingest)
        << " |\n";
  }
  out << "\n### Security summary\n(No secret appears here: keys are named, never shown.)\n\n"
      << "| Key | Role | Delivered to | Expires |\n|---|---|---|---|\n";
  for (const auto* k : d.ofKind(kind::kApiKey)) {
    std::string to;
    const Json deliver = k->spec.value("deliver", Json::object());
    for (const auto& [where, v] : deliver.items()) to += (to.empty() ? "" : ", ") + where;
    out << "| " << k->id.name << " | " << k->spec.value("role", "-") << " | "
        << (to.empty() ? "-" : to) << " | " << k->spec.value("expires", "-") << " |\n";
  }
  out << "\nFirewall: " << d.ofKind(kind::kFirewallRule).size()
      << " declared rule(s); see `hxctl plan` for their state.\n";
  return out.str();
}

}  // namespace hx
