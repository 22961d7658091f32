// What `hxctl status` shows, as data: the hosts, the backlog evaluated against the recorded (or a
// fresh) observation, the calendar's reviews and escalations, the store's writer and back-offs.
// The command line prints it (-o json prints statusDocument as is); the daemon's web view serves
// the very same documents and renders its pages from them, so the two cannot disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconciler/calendar.h"
#include "reconciler/task_status.h"
#include "src/run/prepare.h"

namespace hx {

// The statuses in the order people read them, with the backlog's summary line.
extern const char* const kTaskStatusOrder[6];

// The calendar's view now: reviews and escalations (empty without a Backlog resource).
struct CalendarView {
  std::vector<ReviewState> reviews;
  std::vector<EscalationState> escalations;
};
CalendarView calendarOf(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                        int64_t now);
const EscalationState* escalationOf(const CalendarView& v, const std::string& task);

// "7 tasks: 2 completed, 1 in progress, 4 blocked."
std::string backlogSummary(const std::vector<TaskEvaluation>& evaluations);
// A completed task's proof ("3/3 criteria pass (checked ...)"), else what it waits on.
std::string taskProof(const TaskEvaluation& e);
// When a task entered the backlog: its `opened`, else the Backlog's, else its first recorded
// transition (0 when none is known).
int64_t taskOpenedAt(const Resource& task, const DesiredState& desired, Store* store);

// The backlog as `status` reads it without --refresh: evaluated against the recorded observation
// and the offline plan, recording nothing.
Result<std::vector<TaskEvaluation>> recordedBacklog(Prepared& p);

// `hxctl status -o json`.
Json statusDocument(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                    const CalendarView& calendar, int64_t now);
// `hxctl status TASK -o json`; nullopt when the specs have no such task.
std::optional<Json> taskDocument(const Prepared& p, const std::vector<TaskEvaluation>& evaluations,
                                 const CalendarView& calendar, const std::string& task,
                                 int64_t now);

}  // namespace hx
