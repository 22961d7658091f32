#include "src/providers/monitoring/prometheus_api.h"

#include "src/platform/url_encode.h"
#include "src/providers/json_read.h"

namespace hx {

Result<Json> PrometheusApi::getData(const std::string& path) {
  HttpRequest req;
  std::string root = baseUrl_;
  while (!root.empty() && root.back() == '/') root.pop_back();
  req.url = root + path;
  req.timeoutMs = timeoutMs_;
  const std::string what = "GET " + path.substr(0, path.find('?'));
  auto r = http_.send(req);
  if (!r) return Status::error(r.status().kind(), what + ": " + r.status().message());
  if (r.value().status != 200)
    return Status::error(ErrorKind::kTerminal, what + ": HTTP " + std::to_string(r.value().status) +
                                                   ": " + jread::excerpt(r.value().body));
  auto body = jread::parseBody(what, r.value());
  if (!body) return body.status();
  // {"status": "success", "data": ...}; "error" carries "error"/"errorType".
  if (jread::textOr(body.value(), "status", "") != "success")
    return Status::error(ErrorKind::kTerminal,
                         what + ": " + jread::textOr(body.value(), "error", "not a success"));
  return jread::object(body.value(), "data");
}

Result<std::vector<PrometheusTarget>> PrometheusApi::activeTargets() {
  auto data = getData("/api/v1/targets?state=active");
  if (!data) return data.status();
  std::vector<PrometheusTarget> out;
  const Json& targets = jread::array(data.value(), "activeTargets");
  for (const auto& t : targets) {
    PrometheusTarget target;
    target.job =
        jread::textOr(jread::object(t, "labels"), "job", jread::textOr(t, "scrapePool", ""));
    target.scrapeUrl = jread::textOr(t, "scrapeUrl", "");
    target.health = jread::textOr(t, "health", "unknown");
    target.lastError = jread::textOr(t, "lastError", "");
    out.push_back(std::move(target));
  }
  return out;
}

Result<std::vector<PrometheusSample>> PrometheusApi::query(const std::string& expr) {
  auto data = getData("/api/v1/query?query=" + urlEncode(expr));
  if (!data) return data.status();
  std::vector<PrometheusSample> out;
  // data: {"resultType": "vector", "result": [{"metric": {...}, "value": [time, "1"]}]}
  for (const auto& r : jread::array(data.value(), "result")) {
    const Json* value = jread::field(r, "value");
    const Json* text = value ? jread::element(*value, 1) : nullptr;
    if (!text || !text->is_string()) continue;
    try {
      out.push_back({jread::object(r, "metric"), std::stod(text->get<std::string>())});
    } catch (const std::exception&) {
      continue;  // "NaN" parses; anything else is not a sample
    }
  }
  return out;
}

Result<std::vector<PrometheusAlertRule>> PrometheusApi::alertRules() {
  auto data = getData("/api/v1/rules?type=alert");
  if (!data) return data.status();
  std::vector<PrometheusAlertRule> out;
  for (const auto& g : jread::array(data.value(), "groups")) {
    for (const auto& r : jread::array(g, "rules")) {
      if (jread::textOr(r, "type", "alerting") != "alerting") continue;
      PrometheusAlertRule rule;
      rule.group = jread::textOr(g, "name", "");
      rule.name = jread::textOr(r, "name", "");
      rule.health = jread::textOr(r, "health", "unknown");
      rule.lastError = jread::textOr(r, "lastError", "");
      rule.state = jread::textOr(r, "state", "");
      out.push_back(std::move(rule));
    }
  }
  return out;
}

}  // namespace hx
