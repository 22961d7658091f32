// Checks that ask the estate's monitoring itself: Prometheus, whether it scrapes a job and which
// alerting rules it evaluates; Grafana, whether it has a dashboard and whether the data sources
// the dashboard draws from answer. That a server serves metrics, or that a dashboard file exists
// in a repository, proves neither.
#include "reconciler/values.h"
#include "src/backlog/check_result.h"
#include "src/backlog/criteria.h"
#include "src/platform/secrets.h"
#include "src/providers/json_read.h"
#include "src/providers/monitoring/grafana_api.h"
#include "src/providers/monitoring/prometheus_api.h"

namespace hx {

namespace {
using check_detail::cannotRun;
using check_detail::result;

// A PromQL string literal's content: backslashes and double quotes escaped.
std::string promqlString(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

// Prometheus itself is asked (GET /api/v1/targets): the job must have at least `minTargets`
// active targets (1), every one of them up. That a server serves metrics is not that they are
// collected; this is.
CriterionResult CriteriaRunner::prometheusTarget(const Json& c) {
  const std::string url = jread::textOr(c, "url", "");
  const std::string job = jread::textOr(c, "job", "");
  const int64_t minTargets = jread::integerOr(c, "minTargets", 1);
  const std::string subject = url + " job " + job;
  const std::string want = ">= " + std::to_string(minTargets) + " target(s), all up";
  PrometheusApi prometheus(http_, url);
  auto targets = prometheus.activeTargets();
  if (!targets)
    return result("prometheusTarget", subject, false, "no answer", want,
                  targets.status().message());
  int64_t up = 0, total = 0;
  std::string down;
  for (const auto& t : targets.value()) {
    if (t.job != job) continue;
    ++total;
    if (t.health == "up") {
      ++up;
    } else if (down.empty()) {
      down = t.scrapeUrl + " is " + t.health + (t.lastError.empty() ? "" : ": " + t.lastError);
    }
  }
  bool pass = total >= minTargets && up == total;
  std::string detail;
  // A probe job's targets are "up" when the exporter answered; whether what it probed answered
  // is the exporter's probe_success, asked of Prometheus as well.
  std::string probed;
  if (pass && jread::boolean(c, "probe").value_or(false)) {
    auto samples = prometheus.query("probe_success{job=\"" + promqlString(job) + "\"}");
    if (!samples)
      return result("prometheusTarget", subject, false, "no answer", want,
                    samples.status().message());
    int64_t ok = 0;
    for (const auto& s : samples.value()) {
      if (s.value == 1) {
        ++ok;
      } else if (detail.empty()) {
        detail =
            "the probe of " + jread::textOr(s.labels, "instance", "?") + " fails" +
            (jread::text(s.labels, "host") ? " (host " + jread::textOr(s.labels, "host", "") + ")"
                                           : "");
      }
    }
    pass = ok == total && static_cast<int64_t>(samples.value().size()) == total;
    if (!pass && detail.empty()) detail = "Prometheus has no probe result yet for every target";
    probed = ", " + std::to_string(ok) + "/" + std::to_string(total) + " probes succeed";
  }
  if (!detail.empty()) {
    // the probe's failure, above
  } else if (total == 0) {
    detail = "Prometheus has no target in job " + job + " (is it in its scrape config?)";
  } else if (total < minTargets) {
    detail = "only " + std::to_string(total) + " target(s) in job " + job;
  } else if (!pass) {
    detail = down;
  }
  return result("prometheusTarget", subject, pass,
                std::to_string(up) + "/" + std::to_string(total) + " targets up" + probed, want,
                detail);
}

// Prometheus's loaded alerting rules (GET /api/v1/rules?type=alert): every alert named must be
// loaded and its last evaluation must not have failed (health "err"). With no names, at least
// one alerting rule must be loaded. A rule never evaluated yet ("unknown") does not pass.
CriterionResult CriteriaRunner::prometheusRules(const Json& c) {
  const std::string url = jread::textOr(c, "url", "");
  std::vector<std::string> wanted;
  for (const auto& a : jread::array(c, "alerts"))
    if (a.is_string()) wanted.push_back(a.get<std::string>());
  const std::string subject = url + " alerting rules";
  const std::string want =
      wanted.empty() ? ">= 1 alerting rule, evaluated" : joined(wanted) + ": loaded, evaluated";
  PrometheusApi prometheus(http_, url);
  auto rules = prometheus.alertRules();
  if (!rules)
    return result("prometheusRules", subject, false, "no answer", want, rules.status().message());
  std::vector<std::string> missing, failing;
  size_t evaluated = 0;
  for (const auto& r : rules.value())
    if (r.health == "ok") ++evaluated;
  auto check = [&](const PrometheusAlertRule& r) {
    if (r.health == "ok") return;
    failing.push_back(r.name + " is " + r.health + (r.lastError.empty() ? "" : ": " + r.lastError));
  };
  for (const auto& name : wanted) {
    const PrometheusAlertRule* found = nullptr;
    for (const auto& r : rules.value())
      if (r.name == name) found = &r;
    if (!found)
      missing.push_back(name);
    else
      check(*found);
  }
  if (wanted.empty())
    for (const auto& r : rules.value()) check(r);
  bool pass = missing.empty() && failing.empty() && !rules.value().empty();
  std::string detail;
  if (rules.value().empty())
    detail = "Prometheus has no alerting rules loaded (is rule_files in its config?)";
  else if (!missing.empty())
    detail = "not loaded: " + joined(missing);
  else if (!failing.empty())
    detail = failing.front();
  return result("prometheusRules", subject, pass,
                std::to_string(rules.value().size()) + " alerting rules, " +
                    std::to_string(evaluated) + " evaluated",
                want, detail);
}

// Grafana is asked for the dashboard by uid (GET /api/dashboards/uid/{uid}); it must hold every
// panel named in `panels`, and every data source it draws from must pass Grafana's own health
// check for it (for a Prometheus: Grafana queries it). A dashboard whose data source is missing
// or down shows nothing, so it does not count as set up.
CriterionResult CriteriaRunner::grafanaDashboard(const Json& c) {
  const std::string url = jread::textOr(c, "url", "");
  const std::string uid = jread::textOr(c, "uid", "");
  const std::string subject = url + " dashboard " + uid;
  std::vector<std::string> panels;
  for (const auto& p : jread::array(c, "panels"))
    if (p.is_string()) panels.push_back(p.get<std::string>());
  const std::string want = "present" +
                           (panels.empty() ? "" : ", panels " + joined(panels) + " showing data") +
                           ", data sources healthy";
  std::string token;
  if (const Json* ref = jread::field(c, "token")) {
    auto secret = readSecret(*ref);
    if (!secret)
      return cannotRun("grafanaDashboard", subject, want,
                       "spec.token: " + secret.status().message());
    token = secret.value();
  }
  GrafanaApi grafana(http_, url, token);
  auto found = grafana.dashboard(uid);
  if (!found)
    return result("grafanaDashboard", subject, false, "no answer", want, found.status().message());
  if (!found.value())
    return result("grafanaDashboard", subject, false, "missing", want,
                  "Grafana has no dashboard with uid " + uid);
  const Json& dashboard = jread::object(*found.value(), "dashboard");
  std::string title = jread::textOr(dashboard, "title", uid);
  std::string version = std::to_string(jread::integerOr(dashboard, "version", 0));
  std::vector<std::string> titles, missing;
  for (const Json* p : dashboardPanels(dashboard)) titles.push_back(jread::textOr(*p, "title", ""));
  for (const auto& p : panels)
    if (std::find(titles.begin(), titles.end(), p) == titles.end()) missing.push_back(p);
  std::string value =
      "'" + title + "' v" + version + ", " + std::to_string(titles.size()) + " panels";
  if (!missing.empty())
    return result("grafanaDashboard", subject, false, value, want,
                  "no panel titled " + joined(missing));
  auto sources = grafana.dataSources();
  if (!sources)
    return result("grafanaDashboard", subject, false, value, want, sources.status().message());
  DashboardSources used = dashboardSources(dashboard, sources.value());
  if (!used.unresolved.empty())
    return result("grafanaDashboard", subject, false, value, want,
                  "Grafana has no data source for " + joined(used.unresolved));
  if (used.resolved.empty())
    return result("grafanaDashboard", subject, false, value, want,
                  "the dashboard draws from no data source");
  std::vector<std::string> healthy;
  for (const auto& ds : used.resolved) {
    auto h = grafana.health(ds.uid);
    if (!h) return result("grafanaDashboard", subject, false, value, want, h.status().message());
    if (!h.value().ok)
      return result("grafanaDashboard", subject, false, value, want,
                    "data source " + ds.name + " fails its health check: " + h.value().message);
    healthy.push_back(ds.name);
  }
  // A panel with a title and a healthy source may still draw nothing (a metric nobody exports,
  // a scrape that is refused): each panel named must have a query that returns series now,
  // asked of its data source through Grafana as the panel asks it. With no panels named the
  // check is of the dashboard's configuration alone.
  std::vector<std::string> empty, unchecked;
  size_t drawn = 0;
  for (const Json* p : dashboardPanels(dashboard)) {
    const std::string name = jread::textOr(*p, "title", "");
    if (std::find(panels.begin(), panels.end(), name) == panels.end()) continue;
    const Json& targets = jread::array(*p, "targets");
    if (targets.empty()) continue;  // text, row: nothing to draw from a source
    Json alone = dashboard;
    alone["panels"] = Json::array({*p});
    DashboardSources source = dashboardSources(alone, sources.value());
    if (source.resolved.empty() || source.resolved.front().type != "prometheus") {
      unchecked.push_back(name);
      continue;
    }
    size_t series = 0;
    std::string failure;
    for (const auto& t : targets) {
      const std::string expr = jread::textOr(t, "expr", "");
      if (expr.empty()) continue;
      auto n = grafana.seriesNow(source.resolved.front().uid, expr);
      if (!n) {
        failure = n.status().message();
        continue;
      }
      series += n.value();
    }
    if (series == 0)
      empty.push_back("'" + name + "'" + (failure.empty() ? "" : " (" + failure + ")"));
    else
      ++drawn;
  }
  if (!panels.empty()) value += ", " + std::to_string(drawn) + " showing data";
  if (!empty.empty())
    return result("grafanaDashboard", subject, false, value, want,
                  "no data in panel " + joined(empty) + ": its queries return no series");
  if (!unchecked.empty())
    return result("grafanaDashboard", subject, false, value, want,
                  "cannot tell whether " + joined(unchecked) +
                      " show data: only Prometheus data sources are queried");
  return result("grafanaDashboard", subject, true,
                value + ", data source " + joined(healthy) + " healthy", want, "");
}

}  // namespace hx
