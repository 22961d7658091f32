#include "src/backlog/baselines.h"

#include <cmath>
#include <cstdio>

#include "src/backlog/load_generator.h"

namespace hx {

std::string baselineKey(const Resource& task, const Json& criterion) {
  Json c = criterion;
  if (c.is_object() && !c.empty() && c.begin().value().is_object())
    c.begin().value().erase("proves");
  return task.id.name + " " + c.dump();
}

namespace {

constexpr double kNoiseMs = 2.0;

std::string percentMore(double now, double then) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f %%", (now / then - 1.0) * 100.0);
  return buf;
}

}  // namespace

Result<int> compareWithBaselines(const Resource& task, std::vector<CriterionResult>& results,
                                 Store& store, double tolerance, bool record) {
  const Json criteria = task.spec.value("criteria", Json::array());
  int flagged = 0;
  for (size_t i = 0; i < results.size() && i < criteria.size(); ++i) {
    CriterionResult& r = results[i];
    if (r.kind != "load" || !r.figures.count("avgMs")) continue;  // reused, or nothing answered
    const std::string key = baselineKey(task, criteria[i]);
    auto base = store.loadBaseline(key);
    if (!base) return base.status();
    if (!base.value()) {
      if (r.pass && record) {
        LoadBaseline b{
            key, r.subject, r.value, r.figures["avgMs"], r.figures["p95Ms"], r.figures["rps"],
            r.at};
        if (Status s = store.putLoadBaseline(b); !s) return s;
        r.value += "; now the baseline";
      }
      continue;
    }
    const LoadBaseline& b = *base.value();
    std::vector<std::string> worse;
    const double limit = 1.0 + tolerance;
    // Worse by the tolerance and by more than kNoiseMs: at sub-millisecond latencies a relative
    // change alone is scheduling noise, not a regression anyone would act on.
    auto slower = [&](double now, double then) {
      return then > 0 && now > then * limit && now - then > kNoiseMs;
    };
    if (slower(r.figures["avgMs"], b.avgMs))
      worse.push_back("avg " + formatMs(r.figures["avgMs"]) + " vs " + formatMs(b.avgMs) + " (" +
                      percentMore(r.figures["avgMs"], b.avgMs) + ")");
    if (slower(r.figures["p95Ms"], b.p95Ms))
      worse.push_back("p95 " + formatMs(r.figures["p95Ms"]) + " vs " + formatMs(b.p95Ms) + " (" +
                      percentMore(r.figures["p95Ms"], b.p95Ms) + ")");
    // Throughput counts when latency grew too: a short run's rate alone varies with scheduling.
    if (!worse.empty() && r.figures["rps"] > 0 && b.rps > r.figures["rps"] * limit)
      worse.push_back(formatRate(r.figures["rps"]) + " rps vs " + formatRate(b.rps) + " (" +
                      percentMore(r.figures["rps"], b.rps) + ")");
    if (worse.empty()) continue;
    std::string text;
    for (const auto& w : worse) text += (text.empty() ? "" : ", ") + w;
    r.value += "; regression against the baseline of " + formatTime(b.at) + ": " + text;
    ++flagged;
  }
  return flagged;
}

}  // namespace hx
