// The backlog's calendar (the operators' "Backlog Management"): when each review is due, which
// tasks are escalated, and how old a task is. Declared once in a `Backlog` resource:
//
//   reviews:    [{name, every: day | week | month, on?: monday..sunday (week), day?: 1-28
//                 (month), at?: "HH:MM" (UTC), last?: YYYY-MM-DD, automated?: true}]
//   escalation: [{priority, after: 7d, why?}]   a task of that priority blocked or regressed
//                                               longer than `after` is escalated
//
// A review is due from the first scheduled time after its `last` (or at once when it has none);
// an `automated` one is what hxctl itself does (the daily dependency check is its probing) and
// is never due. Pure: `now` is given.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconciler/resource.h"
#include "reconciler/task_status.h"

namespace hx {

struct ReviewState {
  std::string name;
  std::string schedule;         // "every Monday at 09:00 UTC"
  std::optional<int64_t> last;  // the day it was last held (unix seconds, 00:00 UTC)
  bool automated = false;
  bool due = false;
  int64_t dueSince = 0;  // when it fell due (when due)
  int64_t next = 0;      // the next scheduled time (when not due)
};

struct EscalationState {
  std::string task;
  std::string priority;
  std::string status;       // blocked or regressed
  int64_t since = 0;        // in that status since
  int64_t after = 0;        // the rule's limit, seconds
  int64_t escalatedAt = 0;  // since + after
  std::string why;          // the rule's words
  // Where `since` comes from: "recorded" (hxctl saw the status begin), or "document" (the
  // task's `opened`, else the Backlog's: the operators' own date, used while the store holds no
  // earlier record of the status beginning).
  std::string origin;
  std::string originWords;  // "recorded by hxctl", "the backlog's Date Created (2025-07-17)"
};

// The declared Backlog resource, if any (at most one: validation says so).
const Resource* backlogCalendar(const DesiredState& desired);

std::vector<ReviewState> reviewsOf(const Resource& backlog, int64_t now);
// `statusStartSeen` names the tasks whose current status hxctl saw begin (a recorded transition
// from another status); for the others the age counts from the operators' own date where they
// give one: a task first recorded blocked today has waited since the document deferred it.
std::vector<EscalationState> escalationsOf(const Resource& backlog, const DesiredState& desired,
                                           const std::vector<TaskEvaluation>& evaluations,
                                           int64_t now,
                                           const std::set<std::string>& statusStartSeen);

// The first scheduled time strictly after `from` of a review entry (its every/on/day/at).
int64_t nextOccurrence(const Json& review, int64_t from);

// "3 d", "5 h", "12 min": a span for people.
std::string humanSpan(int64_t seconds);

}  // namespace hx
