// The shape of `hxctl report`'s document, shared by the parts that build it and the renderer.
//
// A document is {title, header: [{label, value}], sections: [section]}. A section is
// {heading ("" for none), level (2..4), rule (a "---" before it), blocks, sections}. A block is one
// of: {paragraph: text}, {fields: [{label, value}]} (the document's "**Label:** value" lines),
// {list: [item], ordered} where an item is a text or {text, items}, {table: {columns, rows}}, or
// {task: {...}} (one task: see report_tasks.cpp). Texts use CommonMark inline syntax (**bold**,
// `code`); `-o json` carries this very document, and the Markdown is rendered from it, so the two
// say the same things.
#pragma once

#include <string>
#include <vector>

#include "reconciler/calendar.h"
#include "reconciler/observed.h"
#include "reconciler/plan.h"
#include "reconciler/resource.h"
#include "reconciler/task_status.h"

namespace hx {

struct ReportInput {
  const DesiredState* desired = nullptr;
  const ObservedState* observed = nullptr;
  const Plan* plan = nullptr;  // the offline plan: which resources are converged
  const std::vector<TaskEvaluation>* evaluations = nullptr;
  std::vector<ReviewState> reviews;
  std::vector<EscalationState> escalations;
  // Per task with `load` checks: how many have a recorded performance baseline, of how many.
  std::map<std::string, std::pair<int, int>> baselines;
  int64_t generatedAt = 0;  // unix seconds
  std::string version;      // hxctl's
};

namespace report {

Json section(const std::string& heading, int level, bool rule = false);
Json paragraph(const std::string& text);
Json fields(const std::vector<std::pair<std::string, std::string>>& labelled);
Json list(const Json& items, bool ordered = false);
Json item(const std::string& text, const Json& items);
Json table(const std::vector<std::string>& columns,
           const std::vector<std::vector<std::string>>& rows);

std::string cap(std::string s);
std::string statusWord(TaskStatus s);  // "in progress"
// "July 17, 2025".
std::string longDate(int64_t unixSeconds);
// The declared Backlog's `document` (an empty object when there is none).
Json documentSpec(const DesiredState& desired);
const TaskEvaluation* evaluationOf(const ReportInput& in, const std::string& task);
// "7 sub-tasks: 2 completed, 5 blocked".
std::string countsOf(const ReportInput& in, const std::vector<const Resource*>& tasks,
                     const std::string& noun);
// The tasks that wait, directly or through other tasks, on any of `hosts`.
std::vector<const Resource*> tasksWaitingOnHosts(const DesiredState& desired,
                                                 const std::vector<std::string>& hosts);

// The document's parts, each appending its sections to `out`.
void taskPart(const ReportInput& in, const Json& part, Json& out);
void dependencyTracking(const ReportInput& in, Json& out);
void backlogManagement(const ReportInput& in, Json& out);
void actionItems(const ReportInput& in, Json& out);
void documentationUpdates(const ReportInput& in, Json& out);

}  // namespace report

// The whole document (the shape above).
Json backlogReportDocument(const ReportInput& in);
// The document as CommonMark (with GitHub's tables), the seed's own layout.
std::string renderReportMarkdown(const Json& document);

}  // namespace hx
