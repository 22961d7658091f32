// `availability {host, min, window}`: the share of the window the host spent active, read from
// the status transitions its probes recorded (reconciler/availability.h). `min` is a percentage
// (the seed's "> 99.9 %"), `window` a duration (30d). The figure also feeds the daemon's
// hxctl_host_availability_ratio{host, window}.
#include <cmath>
#include <cstdio>

#include "reconciler/availability.h"
#include "reconciler/calendar.h"
#include "reconciler/values.h"
#include "src/backlog/check_result.h"
#include "src/backlog/criteria.h"
#include "src/providers/json_read.h"

namespace hx {

namespace {
using check_detail::result;

std::string percent(double ratio) {
  char buf[32];
  // Enough digits to tell 99.9 % from 99.95 %, never rounding a miss up to the bound.
  std::snprintf(buf, sizeof buf, "%.3f", std::floor(ratio * 100000.0) / 1000.0);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + " %";
}

}  // namespace

CriterionResult CriteriaRunner::availability(const Json& c, const ObservedState& observed) {
  const std::string host = jread::textOr(c, "host", "");
  const std::string windowText = jread::textOr(c, "window", "30d");
  const int64_t window = parseDurationMs(windowText).value_or(30LL * 86400000) / 1000;
  const double min = jread::number(c, "min").value_or(99.9);
  const std::string subject = "Host/" + host + " over " + windowText;
  char bound[32];
  std::snprintf(bound, sizeof bound, "%g", min);
  const std::string want = "> " + std::string(bound) + " % active";
  if (!history_)
    return result("availability", subject, false, "not checked", want,
                  "no recorded probes to read (run by apply, status --refresh or the daemon)");
  auto transitions = history_(host);
  if (!transitions)
    return result("availability", subject, false, "not checked", want,
                  transitions.status().message());
  HostStatus now = observed.host(host).status;
  auto a = availabilityOf(transitions.value(), now, clock_.nowSeconds(), window);
  if (!a)
    return result("availability", subject, false, "never active", want,
                  "host " + host + " has not been active yet");
  std::string value = percent(a->ratio);
  if (a->measuredSeconds < window)
    value += " over the " + humanSpan(a->measuredSeconds) + " since it became active";
  value += " (" + std::to_string(a->outages) + (a->outages == 1 ? " outage, " : " outages, ") +
           humanSpan(a->downSeconds) + " down)";
  const bool pass = a->ratio * 100.0 > min;
  CriterionResult r =
      result("availability", subject, pass, value, want,
             pass ? ""
                  : "below " + std::string(bound) + " %: " + humanSpan(a->downSeconds) +
                        " not active in the last " + humanSpan(a->measuredSeconds));
  r.figures["ratio"] = a->ratio;
  r.figureLabels = {{"host", host}, {"window", windowText}};
  return r;
}

}  // namespace hx
