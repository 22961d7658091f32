#include "src/web/charts.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "reconciler/observed.h"
#include "src/views/status_view.h"
#include "src/web/html.h"

namespace hx::web {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string percent(int part, int whole) {
  if (whole == 0) return "no probes";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * part / whole);
  return buf;
}

struct Slot {
  int ok = 0, failed = 0;
  HostStatus status = HostStatus::kPendingInstallation;
};

const char* slotClass(const Slot& s) {
  if (s.ok + s.failed == 0) return "p-none";
  if (s.failed == 0) return "p-ok";
  if (s.ok > 0) return "p-mixed";
  return s.status == HostStatus::kPendingInstallation ? "p-pending" : "p-down";
}

std::string slotTitle(const Slot& s, int64_t start, int64_t end) {
  std::string when = formatTime(start) + " to " + formatTime(end);
  if (s.ok + s.failed == 0) return when + ": no probes";
  return when + ": " + std::to_string(s.ok) + " passed, " + std::to_string(s.failed) + " failed (" +
         hostStatusName(s.status) + ")";
}

}  // namespace

std::string availabilityStrip(const std::string& host, const std::vector<ProbeBucket>& buckets,
                              int64_t from, int64_t to, int64_t slotSeconds) {
  const int64_t n = std::max<int64_t>(1, (to - from + slotSeconds - 1) / slotSeconds);
  std::vector<Slot> slots(static_cast<size_t>(n));
  int ok = 0, failed = 0;
  for (const auto& b : buckets) {
    if (b.start < from || b.start >= to) continue;
    Slot& s = slots[static_cast<size_t>((b.start - from) / slotSeconds)];
    s.ok += b.ok;
    s.failed += b.failed;
    s.status = b.status;
    ok += b.ok;
    failed += b.failed;
  }
  const std::string summary = host + ": " + percent(ok, ok + failed) + " of " +
                              std::to_string(ok + failed) + " probes passed, " + formatTime(from) +
                              " to " + formatTime(to);
  Html svg;
  svg.raw("<svg class=\"strip\" viewBox=\"0 0 ")
      .raw(std::to_string(n))
      .raw(" 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
      .text(summary)
      .raw("\"><title>")
      .text(summary)
      .raw("</title>");
  for (int64_t i = 0; i < n;) {
    const Slot& s = slots[static_cast<size_t>(i)];
    const char* cls = slotClass(s);
    int64_t run = 1;  // empty slots side by side are one mark
    if (s.ok + s.failed == 0)
      while (i + run < n &&
             slots[static_cast<size_t>(i + run)].ok + slots[static_cast<size_t>(i + run)].failed ==
                 0)
        ++run;
    svg.raw("<rect x=\"")
        .raw(std::to_string(i))
        .raw("\" y=\"0\" width=\"")
        .raw(std::to_string(run))
        .raw("\" height=\"10\" class=\"")
        .raw(cls)
        .raw("\"><title>")
        .text(slotTitle(s, from + i * slotSeconds, std::min(to, from + (i + run) * slotSeconds)))
        .raw("</title></rect>");
    i += run;
  }
  svg.raw("</svg>");
  return svg.take();
}

std::string backlogChart(const std::vector<TaskTransition>& transitions, int64_t from, int64_t to,
                         int slots) {
  slots = std::max(1, slots);
  const double span = static_cast<double>(std::max<int64_t>(1, to - from));
  std::vector<std::map<std::string, int>> counts(static_cast<size_t>(slots));
  size_t maxTotal = 1;
  {
    std::map<std::string, std::string> statusOf;  // task -> status at the slot's end
    size_t next = 0;
    for (int i = 0; i < slots; ++i) {
      const auto end = from + static_cast<int64_t>(span * (i + 1) / slots);
      while (next < transitions.size() && transitions[next].at <= end) {
        statusOf[transitions[next].task] = transitions[next].to;
        ++next;
      }
      for (const auto& [task, status] : statusOf) ++counts[static_cast<size_t>(i)][status];
      maxTotal = std::max(maxTotal, statusOf.size());
    }
  }
  Html svg;
  const std::string label = "Tasks per status, " + formatTime(from) + " to " + formatTime(to);
  svg.raw("<svg class=\"chart\" viewBox=\"0 0 ")
      .raw(std::to_string(slots * 10))
      .raw(" 100\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
      .text(label)
      .raw("\"><title>")
      .text(label)
      .raw("</title>");
  for (int i = 0; i < slots; ++i) {
    const auto end = from + static_cast<int64_t>(span * (i + 1) / slots);
    const auto& c = counts[static_cast<size_t>(i)];
    std::string title = formatTime(end) + ":";
    for (const char* s : kTaskStatusOrder)
      if (c.count(s)) title += " " + std::to_string(c.at(s)) + " " + s + ",";
    if (title.back() == ',') title.pop_back();
    svg.raw("<g><title>").text(title).raw("</title>");
    double y = 100;
    for (const char* s : kTaskStatusOrder) {
      if (!c.count(s)) continue;
      const double h = 100.0 * c.at(s) / static_cast<double>(maxTotal);
      y -= h;
      svg.raw("<rect x=\"")
          .raw(std::to_string(i * 10 + 1))
          .raw("\" y=\"")
          .raw(num(y))
          .raw("\" width=\"8\" height=\"")
          .raw(num(h))
          .raw("\" class=\"t-")
          .raw(s)
          .raw("\"/>");
    }
    svg.raw("</g>");
  }
  svg.raw("</svg>");
  return svg.take();
}

std::string durationChart(const nlohmann::json& history) {
  std::vector<const nlohmann::json*> runs;
  for (const auto& r : history)
    if (r.is_object() && r.value("duration_ms", nlohmann::json()).is_number()) runs.push_back(&r);
  std::reverse(runs.begin(), runs.end());
  double max = 1;
  for (const auto* r : runs) max = std::max(max, (*r)["duration_ms"].get<double>());
  const std::string label = "Durations of the last " + std::to_string(runs.size()) +
                            " runs; the longest " + num(max / 1000.0) + " s";
  Html svg;
  // At least 30 places, the newest run on the right: a few runs do not make fat bars.
  const size_t places = std::max<size_t>(30, runs.size());
  const size_t width = places * 10;
  const size_t offset = places - runs.size();
  svg.raw("<svg class=\"chart\" viewBox=\"0 0 ")
      .raw(std::to_string(width))
      .raw(" 100\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
      .text(label)
      .raw("\"><title>")
      .text(label)
      .raw("</title>");
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& r = *runs[i];
    const double ms = r["duration_ms"].get<double>();
    const double h = std::max(1.0, 100.0 * ms / max);
    const std::string status = r.value("status", "");
    svg.raw("<rect x=\"")
        .raw(std::to_string((offset + i) * 10 + 1))
        .raw("\" y=\"")
        .raw(num(100 - h))
        .raw("\" width=\"8\" height=\"")
        .raw(num(h))
        .raw("\" class=\"")
        .raw(status == "succeeded" ? "r-ok"
             : status == "partial" ? "r-partial"
             : status == "running" ? "r-running"
                                   : "r-failed")
        .raw("\"><title>")
        .text("run " + std::to_string(r.value("id", 0)) + " (" + r.value("command", "") + "), " +
              num(ms / 1000.0) + " s, " + status)
        .raw("</title></rect>");
  }
  svg.raw("</svg>");
  return svg.take();
}

}  // namespace hx::web
