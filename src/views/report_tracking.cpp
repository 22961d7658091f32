// The report's tracking parts: Dependency Tracking (servers, reachability, external
// dependencies), Backlog Management (reviews, escalation, completion tracking), Action Items and
// Documentation Updates. The document's words frame each; the figures are the estate's.
#include <algorithm>
#include <map>

#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/views/exports.h"
#include "src/views/report_blocks.h"

namespace hx::report {

namespace {

std::string hostStatusWords(HostStatus s) {
  std::string w = hostStatusName(s);
  std::replace(w.begin(), w.end(), '_', ' ');
  std::string out;
  bool start = true;
  for (char c : w) {
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = c == ' ';
  }
  return out;  // "Pending Installation"
}

std::string modelsOn(const DesiredState& d, const std::string& host) {
  std::string models;
  for (const auto* m : d.ofKind(kind::kModel))
    if (m->spec.value("host", "") == host) models += (models.empty() ? "" : ", ") + m->id.name;
  return models.empty() ? "-" : models;
}

std::vector<std::string> hostRow(const ReportInput& in, const Resource& h,
                                 const std::string& name) {
  const HostObservation o = in.observed->host(h.id.name);
  std::string status = hostStatusWords(o.status);
  if (o.since) status += " since " + formatTime(o.since);
  std::string resolution;
  switch (o.status) {
    case HostStatus::kPendingInstallation:
      resolution = "Server installation required";
      break;
    case HostStatus::kActive:
      resolution = "Resolved: healthy" + (o.evidence.empty() ? "" : " (" + o.evidence + ")");
      break;
    default:
      resolution = "Investigate: " + (o.evidence.empty() ? std::string("failing") : o.evidence);
  }
  return {name, h.spec.value("address", ""), status, modelsOn(*in.desired, h.id.name), resolution};
}

// One line of the Network Connectivity Status: hxctl's reachability probe where it has one, else
// what the document recorded on its date, said as such.
std::string connectivityLine(const ReportInput& in, const Resource& h, const Json& doc) {
  const HostObservation o = in.observed->host(h.id.name);
  const Reachability& r = o.reach;
  std::string line = "**" + h.spec.value("address", "") + " (" + h.id.name + "):** ";
  if (r.state == ReachState::kReachable)
    return line + "Reachable (" + r.via + ": " + r.detail + ", " + formatTime(r.atMs / 1000) + ")";
  if (r.state == ReachState::kUnreachable)
    return line + "Unreachable (requires investigation): " + r.via + ": " + r.detail + ", since " +
           formatTime(r.sinceMs / 1000) + " (last probed " + formatTime(r.atMs / 1000) + ")";
  std::string recorded;
  for (const auto& c : doc.value("connectivity", Json::array()))
    if (c.value("host", "") == h.id.name)
      recorded = c.value("words", c.value("reachable", false) ? "Reachable" : "Unreachable");
  if (!r.detail.empty())
    line += "not probed by hxctl: " + r.detail;
  else
    line += "not probed by hxctl yet";
  if (!recorded.empty()) {
    std::string date;
    if (auto t = parseDateSeconds(doc.value("updated", ""))) date = " on " + longDate(*t);
    line += "; the document recorded" + date + ": " + recorded;
  }
  return line;
}

// One row of External Dependencies: the document's words, and whether what resolves it holds.
std::vector<std::string> dependencyRow(const ReportInput& in, const Json& dep) {
  const Json by = dep.value("resolvedBy", Json::object());
  int met = 0, of = 0;
  std::vector<std::string> open;
  for (const auto& h : by.value("hosts", Json::array())) {
    ++of;
    const bool active = in.observed->host(h.get<std::string>()).status == HostStatus::kActive;
    met += active;
    if (!active)
      open.push_back("host " + h.get<std::string>() + " " +
                     hostStatusName(in.observed->host(h.get<std::string>()).status));
  }
  for (const auto& r : by.value("resources", Json::array())) {
    ++of;
    const std::string text = r.get<std::string>();
    const auto slash = text.find('/');
    const ResourceId id{text.substr(0, slash), text.substr(slash + 1)};
    const PlanAction* a = in.plan ? in.plan->find(id) : nullptr;
    const bool converged = a && a->type == ActionType::kNoOp;
    met += converged;
    if (!converged) open.push_back(text + (a ? " " + std::string(actionTypeName(a->type)) : ""));
  }
  for (const auto& t : by.value("baselines", Json::array())) {
    auto it = in.baselines.find(t.get<std::string>());
    const int have = it == in.baselines.end() ? 0 : it->second.first;
    const int want = it == in.baselines.end() ? 0 : it->second.second;
    of += std::max(want, 1);
    met += have;
    if (have < std::max(want, 1))
      open.push_back("baselines of task " + t.get<std::string>() + ": " + std::to_string(have) +
                     " of " + std::to_string(want) + " load checks");
  }
  for (const auto& t : by.value("tasks", Json::array())) {
    ++of;
    const TaskEvaluation* e = evaluationOf(in, t.get<std::string>());
    const bool done = e && e->status == TaskStatus::kCompleted;
    met += done;
    if (!done)
      open.push_back("task " + t.get<std::string>() + (e ? " " + statusWord(e->status) : ""));
  }
  std::string status = met >= of ? "Resolved" : met == 0 ? "Pending" : "Partly resolved";
  status += " (" + std::to_string(std::min(met, of)) + " of " + std::to_string(of) + ")";
  std::string waiting;
  for (const auto& o : open) waiting += (waiting.empty() ? "" : ", ") + o;
  return {dep.value("name", ""), status, cap(dep.value("impact", "medium")),
          dep.value("resolution", ""), waiting.empty() ? "-" : waiting};
}

const std::vector<std::string> kPriorities = {"critical", "high", "medium", "low"};

// What the unfinished tasks wait on, in their own words (hxctl's table beside the document's).
std::vector<std::vector<std::string>> taskDependencyRows(const ReportInput& in) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Resource*>> waiting;
  for (const auto* t : in.desired->ofKind(kind::kTask)) {
    const TaskEvaluation* e = evaluationOf(in, t->id.name);
    if (!t->spec.contains("dependency") || (e && e->status == TaskStatus::kCompleted)) continue;
    std::string dep = t->spec.value("dependency", "");
    if (!waiting.count(dep)) order.push_back(dep);
    waiting[dep].push_back(t);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& dep : order) {
    std::string ids, statuses;
    size_t impact = kPriorities.size() - 1;
    std::map<std::string, int> byStatus;
    for (const Resource* t : waiting[dep]) {
      ids += (ids.empty() ? "" : ", ") + t->id.name;
      const TaskEvaluation* e = evaluationOf(in, t->id.name);
      ++byStatus[e ? statusWord(e->status) : "not evaluated"];
      auto p = std::find(kPriorities.begin(), kPriorities.end(), t->spec.value("priority", "low"));
      impact = std::min(impact, static_cast<size_t>(p - kPriorities.begin()));
    }
    for (const auto& [status, n] : byStatus)
      statuses += (statuses.empty() ? "" : ", ") + std::to_string(n) + " " + status;
    rows.push_back(
        {dep, ids, statuses, cap(kPriorities[std::min(impact, kPriorities.size() - 1)])});
  }
  return rows;
}

}  // namespace

void dependencyTracking(const ReportInput& in, Json& out) {
  const DesiredState& d = *in.desired;
  const Json doc = documentSpec(d);
  Json s = section("Dependency Tracking", 2, true);
  // LLM Server Status: the document's servers by its names (else every LLM host), then the rest.
  std::vector<std::pair<const Resource*, std::string>> servers;
  for (const auto& sv : doc.value("servers", Json::array()))
    if (const Resource* h = d.find({kind::kHost, sv.value("host", "")}))
      servers.push_back({h, sv.value("name", "")});
  if (servers.empty())
    for (const auto* h : d.ofKind(kind::kHost))
      if (h->spec.value("api", Json::object()).value("type", "") != "qdrant")
        servers.push_back({h, h->id.name});
  Json llm = section("LLM Server Status", 3);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [h, name] : servers) rows.push_back(hostRow(in, *h, name));
  llm["blocks"].push_back(
      table({"Server", "IP Address", "Status", "Models", "Dependency Resolution"}, rows));
  s["sections"].push_back(llm);
  rows.clear();
  for (const auto* h : d.ofKind(kind::kHost))
    if (std::none_of(servers.begin(), servers.end(), [&](const auto& x) { return x.first == h; }))
      rows.push_back(hostRow(in, *h, h->id.name));
  if (!rows.empty()) {
    Json other = section("Other Hosts", 3);
    other["blocks"].push_back(
        table({kind::kHost, "IP Address", "Status", "Models", "Dependency Resolution"}, rows));
    s["sections"].push_back(other);
  }
  Json net = section("Network Connectivity Status", 3);
  Json items = Json::array();
  for (const auto& [h, name] : servers) items.push_back(connectivityLine(in, *h, doc));
  for (const auto* h : d.ofKind(kind::kHost))
    if (std::none_of(servers.begin(), servers.end(), [&](const auto& x) { return x.first == h; }))
      items.push_back(connectivityLine(in, *h, doc));
  net["blocks"].push_back(list(items));
  s["sections"].push_back(net);

  Json ext = section("External Dependencies", 3);
  rows.clear();
  for (const auto& dep : doc.value("dependencies", Json::array()))
    rows.push_back(dependencyRow(in, dep));
  if (!rows.empty())
    ext["blocks"].push_back(
        table({"Dependency", "Status", "Impact", "Resolution Required", "Waiting on"}, rows));
  s["sections"].push_back(ext);
  Json tasks = section("Task Dependencies", 3);
  tasks["blocks"].push_back(paragraph("What each unfinished task waits on, in its own words."));
  tasks["blocks"].push_back(
      table({"Dependency", "Tasks", "Status", "Impact"}, taskDependencyRows(in)));
  s["sections"].push_back(tasks);
  Json holds = section("Holds (decisions)", 3);
  rows.clear();
  for (const auto* t : d.ofKind(kind::kTask))
    if (t->spec.contains("hold")) {
      const Json& h = t->spec["hold"];
      rows.push_back(
          {t->id.name, h.value("reason", ""), h.value("by", "-"), h.value("since", "-")});
    }
  holds["blocks"].push_back(table({kind::kTask, "Reason", "By", "Since"}, rows));
  s["sections"].push_back(holds);
  out.push_back(s);
}

void backlogManagement(const ReportInput& in, Json& out) {
  const Resource* calendar = backlogCalendar(*in.desired);
  Json s = section("Backlog Management", 2, true);
  if (calendar) {
    Json reviews = section("Review Schedule", 3);
    Json items = Json::array();
    const Json declared = calendar->spec.value("reviews", Json::array());
    for (size_t i = 0; i < in.reviews.size(); ++i) {
      const ReviewState& r = in.reviews[i];
      const std::string words = i < declared.size() ? declared[i].value("description", "") : "";
      std::string line = "**" + r.name + ":** " + (words.empty() ? cap(r.schedule) : words) +
                         (words.empty() ? "" : " (" + r.schedule + ")") + " — ";
      if (r.automated)
        line += "done by hxctl's probes";
      else
        line += (r.last ? "last held " + formatTime(*r.last).substr(0, 10) + "; "
                        : std::string("never held; ")) +
                (r.due ? "**review due** since " + formatTime(r.dueSince)
                       : "next " + formatTime(r.next));
      items.push_back(line);
    }
    reviews["blocks"].push_back(list(items));
    s["sections"].push_back(reviews);
    Json criteria = section("Escalation Criteria", 3);
    items = Json::array();
    for (const auto& rule : calendar->spec.value("escalation", Json::array()))
      items.push_back("**" + cap(rule.value("priority", "")) + " Priority:** " +
                      rule.value("why", "") + " (escalated when blocked or regressed longer than " +
                      rule.value("after", "") + ")");
    criteria["blocks"].push_back(list(items));
    s["sections"].push_back(criteria);
    Json escalated = section("Escalated", 3);
    items = Json::array();
    for (const auto& e : in.escalations)
      items.push_back(e.task + ": " + e.status + " for " + humanSpan(in.generatedAt - e.since) +
                      ", since " + formatTime(e.since).substr(0, 10) + " (" + e.originWords +
                      "); limit " + humanSpan(e.after) + " for " + e.priority + " priority");
    if (items.empty()) items.push_back("nothing");
    escalated["blocks"].push_back(list(items));
    s["sections"].push_back(escalated);
  }
  // Completion Tracking: the document's four statuses (with hxctl's two more), and who is in each.
  Json tracking = section("Completion Tracking", 3);
  const std::vector<std::tuple<const char*, const char*, TaskStatus>> statuses = {
      {"Ready for Work", "Dependencies resolved, prerequisites met", TaskStatus::kReady},
      {"In Progress", "Active development or configuration", TaskStatus::kInProgress},
      {"Blocked", "Waiting for external dependencies", TaskStatus::kBlocked},
      {"Completed", "Task finished and validated", TaskStatus::kCompleted},
      {"Regressed", "Was completed; a check now fails", TaskStatus::kRegressed},
      {"Held", "Deferred by a decision recorded in the specs", TaskStatus::kHeld}};
  Json items = Json::array();
  for (const auto& [label, words, status] : statuses) {
    std::string ids;
    for (const auto& e : *in.evaluations)
      if (e.status == status) ids += (ids.empty() ? "" : ", ") + e.task;
    items.push_back(std::string("**") + label + ":** " + words + " — " +
                    (ids.empty() ? "none" : ids));
  }
  tracking["blocks"].push_back(list(items));
  s["sections"].push_back(tracking);
  out.push_back(s);
}

void actionItems(const ReportInput& in, Json& out) {
  const Json doc = documentSpec(*in.desired);
  Json s = section("Action Items", 2, true);
  const Resource* calendar = backlogCalendar(*in.desired);
  std::optional<int64_t> from;
  if (auto t = parseDateSeconds(doc.value("updated", "")))
    from = t;
  else if (calendar)
    from = parseDateSeconds(calendar->spec.value("opened", ""));
  for (const auto& horizon : doc.value("actions", Json::array())) {
    std::string heading = horizon.value("horizon", "");
    const auto within = parseDurationMs(horizon.value("within", ""));
    if (within) heading += " (Next " + std::to_string(*within / 86400000) + " Days)";
    Json h = section(heading, 3);
    if (within && from) {
      const int64_t end = *from + *within / 1000;
      h["blocks"].push_back(
          paragraph("Window: " + longDate(*from) + " to " + longDate(end) +
                    (end < in.generatedAt ? " (ended " + humanSpan(in.generatedAt - end) + " ago)"
                                          : " (open)")));
    }
    Json items = Json::array();
    for (const auto& a : horizon.value("items", Json::array())) {
      Json steps = a.value("steps", Json::array());
      if (a.contains("automated")) steps.push_back("Done by hxctl: " + a.value("automated", ""));
      if (a.contains("tasks")) {
        int done = 0, of = 0;
        std::string detail;
        for (const auto& t : a["tasks"]) {
          const TaskEvaluation* e = evaluationOf(in, t.get<std::string>());
          ++of;
          done += e && e->status == TaskStatus::kCompleted;
          detail += (detail.empty() ? "" : ", ") + t.get<std::string>() + " " +
                    (e ? statusWord(e->status) : "not evaluated");
        }
        steps.push_back("Tasks: " + detail + " (" + std::to_string(done) + " of " +
                        std::to_string(of) + " completed)");
      }
      items.push_back(item("**" + a.value("title", "") + "**", steps));
    }
    h["blocks"].push_back(list(items, true));
    s["sections"].push_back(h);
  }
  // hxctl's own action lists: what needs a person, and what can be worked on now.
  Json manual = section("Needs a person", 3);
  Json items = Json::array();
  for (const auto* t : in.desired->ofKind(kind::kTask)) {
    const TaskEvaluation* e = evaluationOf(in, t->id.name);
    for (const auto& c : t->spec.value("criteria", Json::array())) {
      if (c.begin().key() != "manual" || c.begin().value().contains("confirmed")) continue;
      items.push_back(t->id.name + ": " + c.begin().value().value("criterion", "") +
                      (e && (e->status == TaskStatus::kBlocked || e->status == TaskStatus::kHeld)
                           ? " (once the task is no longer " + statusWord(e->status) + ")"
                           : ""));
    }
  }
  if (items.empty()) items.push_back("nothing");
  manual["blocks"].push_back(list(items));
  s["sections"].push_back(manual);
  Json ready = section("Ready for work", 3);
  items = Json::array();
  for (const auto& e : *in.evaluations)
    if (e.status == TaskStatus::kReady || e.status == TaskStatus::kInProgress ||
        e.status == TaskStatus::kRegressed)
      items.push_back(e.task + " (" + statusWord(e.status) + ")");
  if (items.empty()) items.push_back("nothing: every task is blocked, held or completed");
  ready["blocks"].push_back(list(items));
  s["sections"].push_back(ready);
  out.push_back(s);
}

void documentationUpdates(const ReportInput& in, Json& out) {
  const DesiredState& d = *in.desired;
  const Json doc = documentSpec(d);
  Json s = section("Documentation Updates", 2, true);
  if (doc.contains("documentationUpdates")) {
    Json required = section("Required Updates Upon Dependency Resolution", 3);
    Json items = Json::array();
    for (const auto& u : doc["documentationUpdates"])
      items.push_back(item("**" + u.value("title", "") + ":**", u.value("items", Json::array())));
    required["blocks"].push_back(list(items, true));
    required["blocks"].push_back(paragraph(
        "`hxctl export` writes `external-models.yaml`, `model-collections.json` and the "
        "environment variable template from the specs and the recorded state; the tables below "
        "are what they hold now."));
    s["sections"].push_back(required);
  }
  Json models = section("Models (external-models.yaml)", 3);
  std::vector<std::vector<std::string>> rows;
  for (const auto* m : d.ofKind(kind::kModel)) {
    const std::string host = objectHost(*m);
    const bool there = in.observed->find(kind::kModel, host, objectKey(*m)) != nullptr;
    const bool seen = in.observed->host(host).status == HostStatus::kActive;
    rows.push_back({m->id.name, host, m->spec.value("model", ""),
                    there  ? "present"
                    : seen ? "missing"
                           : "not observed (host not active)"});
  }
  models["blocks"].push_back(table({kind::kModel, kind::kHost, "Served as", "On its host"}, rows));
  s["sections"].push_back(models);
  Json collections = section("Model-collection mapping (model-collections.json)", 3);
  rows.clear();
  for (const auto* c : d.ofKind(kind::kCollection)) {
    std::string model = c->spec.value("embeddingModel", "-"), ingest = "not run yet";
    if (auto last = lastIngest(*in.evaluations, c->id))
      ingest = last->status + ": " + last->result->value +
               (last->result->at ? ", " + formatTime(last->result->at) : "");
    rows.push_back({c->id.name, objectHost(*c), model, ingest});
  }
  collections["blocks"].push_back(
      table({kind::kCollection, "Server", "Embedding model", "Last ingest evidence"}, rows));
  s["sections"].push_back(collections);
  Json security = section("Security summary", 3);
  security["blocks"].push_back(paragraph("No secret appears here: keys are named, never shown."));
  rows.clear();
  for (const auto* k : d.ofKind(kind::kApiKey)) {
    std::string to;
    const Json deliver = k->spec.value("deliver", Json::object());
    for (const auto& [where, v] : deliver.items()) to += (to.empty() ? "" : ", ") + where;
    rows.push_back({k->id.name, k->spec.value("role", "-"), to.empty() ? "-" : to,
                    k->spec.value("expires", "-")});
  }
  security["blocks"].push_back(table({"Key", kind::kRole, "Delivered to", "Expires"}, rows));
  security["blocks"].push_back(
      paragraph("Firewall: " + std::to_string(d.ofKind(kind::kFirewallRule).size()) +
                " declared rule(s); see `hxctl plan` for their state."));
  s["sections"].push_back(security);
  out.push_back(s);
}

}  // namespace hx::report
