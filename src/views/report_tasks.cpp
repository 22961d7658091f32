// The report's task parts: each task in the operators' words with its derived status and the
// evidence for each completion criterion, and each part's status, optional sub-tasks and effort as
// the document frames them, with the live counts beside the document's words.
#include <algorithm>

#include "reconciler/kinds.h"
#include "reconciler/observed.h"
#include "reconciler/values.h"
#include "src/views/report_blocks.h"

namespace hx::report {

namespace {

std::string evidence(const CriterionResult& r) {
  std::string s = r.kind + " " + r.subject + ": " + r.value;
  if (!r.pass && !r.detail.empty()) s += " (" + r.detail + ")";
  if (r.at) s += ", " + formatTime(r.at);
  return s;
}

// One completion criterion in the operators' words, with what proves it (or why not yet).
Json criterionItem(const Resource& task, const TaskEvaluation& e, const std::string& text) {
  const Json criteria = task.spec.value("criteria", Json::array());
  std::vector<const CriterionResult*> results;
  bool any = false;
  for (size_t i = 0; i < criteria.size(); ++i) {
    auto texts = criterionProves(criteria[i]);
    if (std::find(texts.begin(), texts.end(), text) == texts.end()) continue;
    any = true;
    if (i < e.criteria.size() && e.criteria[i].prerequisite.empty())
      results.push_back(&e.criteria[i]);
  }
  const bool checked = any && !results.empty();
  const bool pass = checked && std::all_of(results.begin(), results.end(),
                                           [](const CriterionResult* r) { return r->pass; });
  std::string how;
  if (!checked) {
    how = "not checked yet (the task is " + statusWord(e.status) + ")";
  } else {
    for (const auto* r : results)
      if (!r->pass && how.empty()) how = r->value == "needs a person" ? r->detail : evidence(*r);
    if (how.empty())
      how = "proven: " + evidence(*results.front()) +
            (results.size() > 1 ? " (and " + std::to_string(results.size() - 1) + " more)" : "");
  }
  return {{"text", std::string("[") + (pass ? "x" : " ") + "] " + text + " — " + how},
          {"criterion", text},
          {"done", pass},
          {"evidence", how}};
}

std::string statusLine(const Resource& t, const TaskEvaluation& e) {
  const Json& s = t.spec;
  std::string line = cap(statusWord(e.status)) + (e.since ? " since " + formatTime(e.since) : "");
  if (s.contains("hold"))
    line += " — held: " + s["hold"].value("reason", "") +
            (s["hold"].contains("since") ? " (since " + s["hold"]["since"].get<std::string>() + ")"
                                         : "");
  else if (!e.waitingOn.empty() && e.status != TaskStatus::kCompleted)
    line +=
        " — waiting on: " + e.waitingOn.front() +
        (e.waitingOn.size() > 1 ? " (+" + std::to_string(e.waitingOn.size() - 1) + " more)" : "");
  return line;
}

Json prerequisiteItem(const Json& p, const TaskEvaluation& e) {
  std::string text = prerequisiteWords(p);
  // A checked one says how it stands: not met (as recorded), or met when the task got past it to
  // its criteria.
  if (p.is_object() && p.contains("check")) {
    const CriterionResult* failed = nullptr;
    for (const auto& c : e.criteria)
      if (c.prerequisite == prerequisiteWords(p)) failed = &c;
    const bool reached = !e.criteria.empty() && e.criteria.front().prerequisite.empty();
    const std::string kind = p["check"].begin().key();
    if (failed)
      text += " — **not met:** " + failed->kind + " " + failed->subject + ": " + failed->detail;
    else if (reached)
      text += " — met (checked: " + kind + ")";
    else
      text += " — checked by " + kind + " once the task can start";
  }
  return text;
}

Json taskBlock(const Resource& t, const TaskEvaluation& e) {
  const Json& s = t.spec;
  Json fieldsOut = Json::array();
  auto add = [&](const std::string& label, const std::string& value) {
    fieldsOut.push_back({{"label", label}, {"value", value}});
  };
  if (s.contains("description")) add("Description", s["description"].get<std::string>());
  if (s.contains("dependency")) add("Dependency", s["dependency"].get<std::string>());
  add("Priority", cap(s.value("priority", "")) +
                      (s.contains("priorityNote") ? " (" + s.value("priorityNote", "") + ")" : ""));
  if (s.contains("effort")) add("Estimated Effort", s["effort"].get<std::string>());
  add("Status", statusLine(t, e));
  Json criteria = Json::array();
  if (s.contains("prerequisites")) {
    Json items = Json::array();
    for (const auto& p : s["prerequisites"]) items.push_back(prerequisiteItem(p, e));
    fieldsOut.push_back({{"label", "Prerequisites"}, {"items", items}});
  }
  if (s.contains("completionCriteria")) {
    Json items = Json::array();
    for (const auto& c : s["completionCriteria"]) {
      criteria.push_back(criterionItem(t, e, c.get<std::string>()));
      items.push_back(criteria.back()["text"]);
    }
    fieldsOut.push_back({{"label", "Completion Criteria"}, {"items", items}});
  }
  const Json details = s.value("details", Json::object());  // items() needs a living object
  for (const auto& [heading, items] : details.items())
    fieldsOut.push_back({{"label", heading}, {"items", items}});
  return {{"task",
           {{"id", t.id.name},
            {"title", s.value("title", "")},
            {"optional", s.value("optional", false)},
            {"status", taskStatusName(e.status)},
            {"since", e.since ? Json(formatTime(e.since)) : Json()},
            {"criteria", criteria},
            {"fields", fieldsOut}}}};
}

// An optional sub-task, as the document lists one: its title and why it may wait, with its status.
Json optionalItem(const Resource& t, const TaskEvaluation& e) {
  const Json& s = t.spec;
  std::string text = s.value("title", "") +
                     (s.contains("description") ? " (" + s.value("description", "") + ")" : "") +
                     " — " + t.id.name + ": " + statusLine(t, e);
  Json items = Json::array();
  for (const auto& c : s.value("completionCriteria", Json::array()))
    items.push_back(criterionItem(t, e, c.get<std::string>())["text"]);
  return item(text, items);
}

std::vector<const Resource*> tasksOfGroup(const ReportInput& in, const std::string& group) {
  std::vector<const Resource*> out;
  for (const auto* t : in.desired->ofKind(kind::kTask))
    if (t->spec.value("group", "Other") == group && evaluationOf(in, t->id.name)) out.push_back(t);
  return out;
}

// "The sub-tasks' estimates sum to 130 minutes; 130 minutes remain (0 of 6 completed)."
std::string effortSum(const ReportInput& in, const std::vector<const Resource*>& tasks) {
  EffortRange all, left;
  int estimated = 0, done = 0;
  for (const Resource* t : tasks) {
    auto e = parseEffort(t->spec.value("effort", ""));
    if (!e) continue;
    ++estimated;
    all.lowMinutes += e->lowMinutes;
    all.highMinutes += e->highMinutes;
    const TaskEvaluation* ev = evaluationOf(in, t->id.name);
    if (ev && ev->status == TaskStatus::kCompleted) {
      ++done;
      continue;
    }
    left.lowMinutes += e->lowMinutes;
    left.highMinutes += e->highMinutes;
  }
  if (!estimated) return "No sub-task carries an estimate.";
  return "The " + std::to_string(estimated) + " estimated sub-tasks sum to " + formatEffort(all) +
         "; " + (left.highMinutes ? formatEffort(left) : std::string("nothing")) + " remain" +
         (left.highMinutes == 1 ? "s" : "") + " (" + std::to_string(done) + " of " +
         std::to_string(estimated) + " completed).";
}

}  // namespace

void taskPart(const ReportInput& in, const Json& part, Json& out) {
  const std::string heading = part.value("heading", "");
  Json top = section(heading, 2, true);
  std::vector<const Resource*> all, optional;
  // The groups: each under its own heading where the outline gives one, else straight in the part.
  for (const auto& g : part.value("groups", Json::array())) {
    const std::string group = g.is_string() ? g.get<std::string>() : g.value("group", "");
    const std::string groupHeading = g.is_object() ? g.value("heading", "") : "";
    Json sub = section(groupHeading.empty() ? "" : "**" + groupHeading + "**", 3);
    std::vector<const Resource*> tasks = tasksOfGroup(in, group);
    for (const Resource* t : tasks) {
      all.push_back(t);
      if (t->spec.value("optional", false) && part.contains("optionalHeading")) {
        optional.push_back(t);
        continue;
      }
      sub["blocks"].push_back(taskBlock(*t, *evaluationOf(in, t->id.name)));
    }
    if (tasks.empty()) sub["blocks"].push_back(paragraph("No task is in group " + group + "."));
    top["sections"].push_back(sub);
  }
  // The part's status: the document's words while they can still be true, and the count now.
  if (part.contains("status")) {
    int completed = 0;
    for (const Resource* t : all)
      completed += evaluationOf(in, t->id.name)->status == TaskStatus::kCompleted;
    const bool done = !all.empty() && completed == static_cast<int>(all.size());
    Json status =
        section("**Status:** " + (done ? std::string("Completed") : part.value("status", "")), 3);
    std::vector<const Resource*> required;
    for (const Resource* t : all)
      if (std::find(optional.begin(), optional.end(), t) == optional.end()) required.push_back(t);
    status["blocks"].push_back(paragraph(
        (done ? "Every sub-task is completed and validated (the document said: " +
                    part.value("status", "") + "). "
              : std::string("Now: ")) +
        countsOf(in, required, "sub-tasks") +
        (optional.empty() ? "" : "; " + countsOf(in, optional, "optional sub-tasks")) + "."));
    top["sections"].insert(top["sections"].begin(), status);
    if (part.contains("subheading")) {
      // The tasks sit under the subheading ("Deferred Sub-Tasks"), after the status.
      Json sub = section(part.value("subheading", ""), 4);
      for (size_t i = 1; i < top["sections"].size(); ++i) {
        for (auto& b : top["sections"][i]["blocks"]) sub["blocks"].push_back(b);
        for (auto& s : top["sections"][i]["sections"]) sub["sections"].push_back(s);
      }
      top["sections"].erase(top["sections"].begin() + 1, top["sections"].end());
      top["sections"][0]["sections"].push_back(sub);
    }
  }
  if (!optional.empty()) {
    Json opt = section("**" + part.value("optionalHeading", "") + "**", 3);
    Json items = Json::array();
    for (const Resource* t : optional)
      items.push_back(optionalItem(*t, *evaluationOf(in, t->id.name)));
    opt["blocks"].push_back(list(items));
    top["sections"].push_back(opt);
  }
  if (part.contains("totalEffort")) {
    std::vector<const Resource*> required;
    for (const Resource* t : all)
      if (!t->spec.value("optional", false)) required.push_back(t);
    Json total = section("**Total Estimated Effort:** " + part.value("totalEffort", ""), 3);
    total["blocks"].push_back(paragraph(effortSum(in, required)));
    top["sections"].push_back(total);
  }
  for (const auto& note : part.value("notes", Json::array()))
    top["sections"].push_back(
        section("**" + note.value("label", "") + ":** " + note.value("words", ""), 3));
  out.push_back(top);
}

}  // namespace hx::report
