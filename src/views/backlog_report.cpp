// `hxctl report`: the operators' backlog document regenerated, section by section in its own
// order, from the specs (the operators' words: tasks, and the Backlog's `document`) and the
// estate's recorded state (every status, count, age and date). Pure: everything it says comes
// from its input, and no secret is in its input.
#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/views/report_blocks.h"

namespace hx {

namespace report {

Json section(const std::string& heading, int level, bool rule) {
  return {{"heading", heading},
          {"level", level},
          {"rule", rule},
          {"blocks", Json::array()},
          {"sections", Json::array()}};
}
Json paragraph(const std::string& text) { return {{"paragraph", text}}; }
Json fields(const std::vector<std::pair<std::string, std::string>>& labelled) {
  Json out = Json::array();
  for (const auto& [label, value] : labelled) out.push_back({{"label", label}, {"value", value}});
  return {{"fields", out}};
}
Json list(const Json& items, bool ordered) { return {{"list", items}, {"ordered", ordered}}; }
Json item(const std::string& text, const Json& items) {
  if (items.empty()) return text;
  return {{"text", text}, {"items", items}};
}
Json table(const std::vector<std::string>& columns,
           const std::vector<std::vector<std::string>>& rows) {
  return {{"table", {{"columns", columns}, {"rows", rows}}}};
}

std::string cap(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string statusWord(TaskStatus s) {
  std::string w = taskStatusName(s);
  std::replace(w.begin(), w.end(), '_', ' ');
  return w;
}

std::string longDate(int64_t unixSeconds) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return std::string(kMonths[tm.tm_mon]) + " " + std::to_string(tm.tm_mday) + ", " +
         std::to_string(tm.tm_year + 1900);
}

Json documentSpec(const DesiredState& desired) {
  if (const Resource* b = backlogCalendar(desired))
    if (b->spec.contains("document") && b->spec["document"].is_object()) return b->spec["document"];
  return Json::object();
}

const TaskEvaluation* evaluationOf(const ReportInput& in, const std::string& task) {
  for (const auto& e : *in.evaluations)
    if (e.task == task) return &e;
  return nullptr;
}

std::string countsOf(const ReportInput& in, const std::vector<const Resource*>& tasks,
                     const std::string& noun) {
  std::map<std::string, int> counts;
  for (const Resource* t : tasks)
    if (const TaskEvaluation* e = evaluationOf(in, t->id.name)) ++counts[statusWord(e->status)];
  std::string out =
      std::to_string(tasks.size()) + " " +
      (tasks.size() == 1 && !noun.empty() && noun.back() == 's' ? noun.substr(0, noun.size() - 1)
                                                                : noun);
  bool first = true;
  for (const char* s : {"completed", "in progress", "ready", "regressed", "blocked", "held"})
    if (counts[s]) {
      out += (first ? ": " : ", ") + std::to_string(counts[s]) + " " + s;
      first = false;
    }
  return out;
}

std::vector<const Resource*> tasksWaitingOnHosts(const DesiredState& desired,
                                                 const std::vector<std::string>& hosts) {
  std::set<std::string> waiting;
  // Tasks are few: repeat until nothing new waits (a task waiting on a waiting task waits too).
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto* t : desired.ofKind(kind::kTask)) {
      if (waiting.count(t->id.name)) continue;
      const Json deps = t->spec.value("dependsOn", Json::object());
      bool waits = false;
      for (const auto& h : deps.value("hosts", Json::array()))
        waits |= std::find(hosts.begin(), hosts.end(), h.get<std::string>()) != hosts.end();
      for (const auto& d : deps.value("tasks", Json::array()))
        waits |= waiting.count(d.get<std::string>()) > 0;
      if (waits) grew = waiting.insert(t->id.name).second;
    }
  }
  std::vector<const Resource*> out;
  for (const auto* t : desired.ofKind(kind::kTask))
    if (waiting.count(t->id.name)) out.push_back(t);
  return out;
}

}  // namespace report

namespace {

using namespace report;

std::string idsOf(const std::vector<const Resource*>& tasks) {
  std::string out;
  for (const Resource* t : tasks) out += (out.empty() ? "" : ", ") + t->id.name;
  return out;
}

Json header(const ReportInput& in, const Json& doc) {
  const DesiredState& d = *in.desired;
  std::vector<std::pair<std::string, std::string>> lines;
  const Resource* backlog = backlogCalendar(d);
  if (backlog && backlog->spec.contains("opened"))
    if (auto t = parseDateSeconds(backlog->spec.value("opened", "")))
      lines.push_back({"Date Created", longDate(*t)});
  if (doc.contains("server")) {
    std::string server = doc["server"].value("name", "");
    if (const Resource* h = d.find({kind::kHost, doc["server"].value("host", "")}))
      server += " (" + h->spec.value("address", "") + ")";
    lines.push_back({"Server", server});
  }
  lines.push_back(
      {"Purpose",
       doc.value("purpose",
                 "Track all tasks and sub-tasks deferred due to external dependencies")});
  int completed = 0;
  for (const auto& e : *in.evaluations) completed += e.status == TaskStatus::kCompleted;
  std::vector<const Resource*> tasks = d.ofKind(kind::kTask);
  const bool done = !tasks.empty() && completed == static_cast<int>(in.evaluations->size());
  lines.push_back(
      {"Status", (done ? std::string("Completed") : doc.value("status", "Active Backlog")) + " — " +
                     countsOf(in, tasks, "tasks")});
  lines.push_back({"Generated", formatTime(in.generatedAt) + " by hxctl " + in.version +
                                    " from the estate's recorded state"});
  return fields(lines)["fields"];
}

Json executiveSummary(const ReportInput& in, const Json& doc) {
  Json s = section("Executive Summary", 2);
  if (doc.contains("summary")) s["blocks"].push_back(paragraph(doc.value("summary", "")));
  int active = 0, hosts = 0;
  for (const auto* h : in.desired->ofKind(kind::kHost)) {
    ++hosts;
    active += in.observed->host(h->id.name).status == HostStatus::kActive;
  }
  s["blocks"].push_back(paragraph(
      std::to_string(active) + " of " + std::to_string(hosts) +
      " hosts are active. Every status below is derived from what hxctl observed and the checks "
      "it ran; a criterion no check can prove says it needs a person, and only a confirmation "
      "recorded in the specs completes it."));
  return s;
}

Json categories(const ReportInput& in, const Json& doc) {
  Json s = section("Backlog Categories", 2);
  int n = 0;
  for (const auto& c : doc.value("categories", Json::array())) {
    Json sub = section(std::to_string(++n) + ". " + c.value("name", ""), 3);
    if (c.contains("words"))
      sub["blocks"].push_back(
          paragraph("**" + c.value("blocker", "Blocker") + ":** " + c.value("words", "")));
    std::vector<const Resource*> tasks;
    std::string now;
    if (c.contains("hosts")) {
      std::vector<std::string> hosts = c["hosts"].get<std::vector<std::string>>();
      std::map<std::string, std::vector<std::string>> byStatus;
      for (const auto& h : hosts) {
        const Resource* host = in.desired->find({kind::kHost, h});
        byStatus[hostStatusName(in.observed->host(h).status)].push_back(
            h + (host ? " " + host->spec.value("address", "") : ""));
      }
      for (const auto& [status, names] : byStatus) {
        std::string joined;
        for (const auto& x : names) joined += (joined.empty() ? "" : ", ") + x;
        now += (now.empty() ? "" : "; ") + std::to_string(names.size()) + " of " +
               std::to_string(hosts.size()) + " " + status + " (" + joined + ")";
      }
      tasks = tasksWaitingOnHosts(*in.desired, hosts);
    }
    for (const auto& t : c.value("tasks", Json::array()))
      if (const Resource* r = in.desired->find({kind::kTask, t.get<std::string>()}))
        if (std::find(tasks.begin(), tasks.end(), r) == tasks.end()) tasks.push_back(r);
    std::string line = now.empty() ? "" : "Now: " + now + ". ";
    line += tasks.empty()
                ? std::string("No task waits on it.")
                : "Waiting on it: " + countsOf(in, tasks, "tasks") + " (" + idsOf(tasks) + ").";
    sub["blocks"].push_back(paragraph(line));
    s["sections"].push_back(sub);
  }
  if (n == 0) {
    // No categories declared: the task groups, as they are.
    std::vector<std::string> groups;
    for (const auto* t : in.desired->ofKind(kind::kTask)) {
      std::string g = t->spec.value("group", "Other");
      if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    }
    Json items = Json::array();
    for (const auto& g : groups) {
      std::vector<const Resource*> tasks;
      for (const auto* t : in.desired->ofKind(kind::kTask))
        if (t->spec.value("group", "Other") == g) tasks.push_back(t);
      items.push_back(g + ": " + countsOf(in, tasks, "tasks"));
    }
    s["blocks"].push_back(list(items));
  }
  return s;
}

// The next review people hold, as the document's "Next Review" says it.
std::string nextReview(const ReportInput& in) {
  const ReviewState* soonest = nullptr;
  for (const auto& r : in.reviews) {
    if (r.automated) continue;
    if (r.due) return r.name + ": due since " + longDate(r.dueSince) + " (overdue)";
    if (!soonest || r.next < soonest->next) soonest = &r;
  }
  return soonest ? soonest->name + ", " + longDate(soonest->next) : "no review is scheduled";
}

Json conclusion(const ReportInput& in, const Json& doc) {
  Json s = section("Conclusion", 2, true);
  if (doc.contains("conclusion")) s["blocks"].push_back(paragraph(doc.value("conclusion", "")));
  // "7 major sub-tasks deferred due to LLM server installation dependency": the first category's
  // tasks still waiting.
  std::string current;
  const Json cats = doc.value("categories", Json::array());
  if (!cats.empty() && cats[0].contains("hosts")) {
    std::vector<const Resource*> waiting;
    for (const Resource* t :
         tasksWaitingOnHosts(*in.desired, cats[0]["hosts"].get<std::vector<std::string>>()))
      if (const TaskEvaluation* e = evaluationOf(in, t->id.name);
          e && e->status == TaskStatus::kBlocked)
        waiting.push_back(t);
    current = std::to_string(waiting.size()) + " sub-tasks deferred due to the " +
              cats[0].value("name", "") +
              " (blocked: " + (waiting.empty() ? "none" : idsOf(waiting)) + ")";
  } else {
    current = countsOf(in, in.desired->ofKind(kind::kTask), "tasks");
  }
  std::vector<std::pair<std::string, std::string>> lines = {{"Current Status", current},
                                                            {"Next Review", nextReview(in)}};
  if (doc.contains("priorityFocus"))
    lines.push_back({"Priority Focus", doc.value("priorityFocus", "")});
  s["blocks"].push_back(fields(lines));
  return s;
}

Json footer(const ReportInput& in, const Json& doc) {
  Json s = section("", 2, true);
  std::vector<std::pair<std::string, std::string>> lines;
  lines.push_back({"Document Version",
                   doc.value("version", "1.0") + " (regenerated by hxctl " + in.version + ")"});
  std::string updated = longDate(in.generatedAt) + " (" + formatTime(in.generatedAt) + ")";
  if (doc.contains("updated"))
    if (auto t = parseDateSeconds(doc.value("updated", "")))
      updated += "; the operators' words date from " + longDate(*t);
  lines.push_back({"Last Updated", updated});
  lines.push_back({"Next Review", nextReview(in)});
  if (const Resource* b = backlogCalendar(*in.desired))
    if (b->spec.contains("owner")) lines.push_back({"Maintained By", b->spec.value("owner", "")});
  s["blocks"].push_back(fields(lines));
  return s;
}

// The outline when the specs give none: the document's own sections, the task groups in the
// order their tasks come.
Json defaultOutline(const DesiredState& d) {
  Json outline = {"summary", "categories"};
  std::vector<std::string> groups;
  for (const auto* t : d.ofKind(kind::kTask)) {
    std::string g = t->spec.value("group", "Other");
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  for (const auto& g : groups)
    outline.push_back({{"tasks", {{"heading", g}, {"groups", Json::array({g})}}}});
  for (const char* s : {"dependencyTracking", "backlogManagement", "actionItems",
                        "documentationUpdates", "conclusion", "footer"})
    outline.push_back(s);
  return outline;
}

}  // namespace

Json backlogReportDocument(const ReportInput& in) {
  const Json doc = documentSpec(*in.desired);
  Json outline = doc.value("outline", defaultOutline(*in.desired));
  // A group the outline leaves out still appears, as a part of its own at the end: no task is lost
  // from the document because the outline was not updated.
  std::set<std::string> covered;
  for (const auto& part : outline)
    if (part.is_object())
      for (const auto& g : part["tasks"].value("groups", Json::array()))
        covered.insert(g.is_string() ? g.get<std::string>() : g.value("group", ""));
  for (const auto* t : in.desired->ofKind(kind::kTask)) {
    std::string g = t->spec.value("group", "Other");
    if (covered.insert(g).second)
      outline.push_back({{"tasks", {{"heading", g}, {"groups", Json::array({g})}}}});
  }
  Json sections = Json::array();
  for (const auto& part : outline) {
    if (part.is_object()) {
      taskPart(in, part["tasks"], sections);
      continue;
    }
    const std::string name = part.get<std::string>();
    if (name == "summary") sections.push_back(executiveSummary(in, doc));
    if (name == "categories") sections.push_back(categories(in, doc));
    if (name == "dependencyTracking") dependencyTracking(in, sections);
    if (name == "backlogManagement") backlogManagement(in, sections);
    if (name == "actionItems") actionItems(in, sections);
    if (name == "documentationUpdates") documentationUpdates(in, sections);
    if (name == "conclusion") sections.push_back(conclusion(in, doc));
    if (name == "footer") sections.push_back(footer(in, doc));
  }
  return {{"format", "hxctl.report/v1"},
          {"title", doc.value("title", "Task Backlog")},
          {"generated_at", formatTime(in.generatedAt)},
          {"header", header(in, doc)},
          {"sections", sections}};
}

}  // namespace hx
