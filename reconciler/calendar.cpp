#include "reconciler/calendar.h"

#include <ctime>

#include "reconciler/kinds.h"
#include "reconciler/observed.h"
#include "reconciler/values.h"

namespace hx {

namespace {

const char* kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                       "thursday", "friday", "saturday"};

int weekdayOf(const std::string& name) {
  for (int i = 0; i < 7; ++i)
    if (name == kDays[i]) return i;
  return 1;
}

// "09:00" -> seconds into the day.
int64_t timeOfDay(const Json& review) {
  std::string at = review.value("at", "09:00");
  int h = 9, m = 0;
  if (std::sscanf(at.c_str(), "%d:%d", &h, &m) != 2) return 9 * 3600;
  return h * 3600 + m * 60;
}

std::tm utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

int64_t fromUtc(std::tm tm) { return static_cast<int64_t>(timegm(&tm)); }

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

const Resource* backlogCalendar(const DesiredState& desired) {
  auto all = desired.ofKind(kind::kBacklog);
  return all.empty() ? nullptr : all.front();
}

int64_t nextOccurrence(const Json& review, int64_t from) {
  const std::string every = review.value("every", "week");
  const int64_t tod = timeOfDay(review);
  std::tm day = utc(from);
  day.tm_hour = day.tm_min = day.tm_sec = 0;
  int64_t midnight = fromUtc(day);
  if (every == "day") {
    int64_t t = midnight + tod;
    return t > from ? t : t + 86400;
  }
  if (every == "week") {
    int want = weekdayOf(review.value("on", "monday"));
    for (int i = 0; i <= 7; ++i) {
      int64_t t = midnight + i * 86400 + tod;
      if (utc(t).tm_wday == want && t > from) return t;
    }
    return midnight + 7 * 86400 + tod;
  }
  // month: day N (1-28, so every month has it)
  int dom = review.value("day", 1);
  for (int i = 0; i < 3; ++i) {
    std::tm m = utc(from);
    m.tm_mday = dom;
    m.tm_mon += i;
    m.tm_hour = m.tm_min = m.tm_sec = 0;
    int64_t t = fromUtc(m) + tod;
    if (t > from) return t;
  }
  return from + 31 * 86400;
}

std::vector<ReviewState> reviewsOf(const Resource& backlog, int64_t now) {
  std::vector<ReviewState> out;
  for (const auto& r : backlog.spec.value("reviews", Json::array())) {
    ReviewState s;
    s.name = r.value("name", "");
    const std::string every = r.value("every", "week");
    char at[8];
    int64_t tod = timeOfDay(r);
    std::snprintf(at, sizeof at, "%02d:%02d", static_cast<int>(tod / 3600),
                  static_cast<int>(tod % 3600 / 60));
    s.schedule =
        every == "day" ? std::string("every day at ") + at + " UTC"
        : every == "week"
            ? "every " + capitalised(r.value("on", "monday")) + " at " + at + " UTC"
            : "on day " + std::to_string(r.value("day", 1)) + " of every month at " + at + " UTC";
    s.automated = r.value("automated", false);
    if (r.contains("last") && r["last"].is_string())
      s.last = parseDateSeconds(r["last"].get<std::string>());
    if (s.automated) {
      s.next = nextOccurrence(r, now);
    } else {
      // Due from the first scheduled time after the last review (the end of its day).
      int64_t dueAt = s.last ? nextOccurrence(r, *s.last + 86399) : now;
      s.due = dueAt <= now;
      s.dueSince = s.due ? dueAt : 0;
      s.next = s.due ? 0 : dueAt;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<EscalationState> escalationsOf(const Resource& backlog, const DesiredState& desired,
                                           const std::vector<TaskEvaluation>& evaluations,
                                           int64_t now,
                                           const std::set<std::string>& statusStartSeen) {
  std::vector<EscalationState> out;
  const Json rules = backlog.spec.value("escalation", Json::array());
  auto dateOf = [](const Json& spec, const char* field) -> std::optional<int64_t> {
    if (auto d = spec.value(field, Json()); d.is_string())
      return parseDateSeconds(d.get<std::string>());
    return std::nullopt;
  };
  for (const auto& e : evaluations) {
    if (e.status != TaskStatus::kBlocked && e.status != TaskStatus::kRegressed) continue;
    const Resource* task = desired.find({kind::kTask, e.task});
    if (!task) continue;
    int64_t since = e.since;
    std::string origin = "recorded", words = "recorded by hxctl";
    if (!statusStartSeen.count(e.task)) {
      std::optional<int64_t> documented = dateOf(task->spec, "opened");
      std::string from = "the task's opened date";
      if (!documented) {
        documented = dateOf(backlog.spec, "opened");
        from = "the backlog's Date Created";
      }
      if (documented && (!since || *documented < since)) {
        since = *documented;
        origin = "document";
        words = "counted from " + from + "; hxctl holds no earlier record of the status beginning";
      } else if (since) {
        words = "first recorded by hxctl";
      }
    }
    if (!since) continue;
    const std::string priority = task->spec.value("priority", "");
    for (const auto& rule : rules) {
      if (rule.value("priority", "") != priority) continue;
      int64_t after = parseDurationMs(rule.value("after", "7d")).value_or(7 * 86400000) / 1000;
      if (now - since <= after) break;
      out.push_back({e.task, priority, taskStatusName(e.status), since, after, since + after,
                     rule.value("why", ""), origin, words});
      break;
    }
  }
  return out;
}

std::string humanSpan(int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string(seconds / 60) + " min";
  if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " d";
}

}  // namespace hx
