#include "src/providers/monitoring/prometheus_api.h"

#include "src/providers/json_read.h"

namespace hx {

Result<std::vector<PrometheusTarget>> PrometheusApi::activeTargets() {
  HttpRequest req;
  std::string root = baseUrl_;
  while (!root.empty() && root.back() == '/') root.pop_back();
  req.url = root + "/api/v1/targets?state=active";
  req.timeoutMs = timeoutMs_;
  const std::string what = "GET /api/v1/targets";
  auto r = http_.send(req);
  if (!r) return Status::error(r.status().kind(), what + ": " + r.status().message());
  if (r.value().status != 200)
    return Status::error(ErrorKind::kTerminal, what + ": HTTP " + std::to_string(r.value().status) +
                                                   ": " + jread::excerpt(r.value().body));
  auto body = jread::parseBody(what, r.value());
  if (!body) return body.status();
  // {"status": "success", "data": {"activeTargets": [...]}}; "error" carries "error"/"errorType".
  if (jread::textOr(body.value(), "status", "") != "success")
    return Status::error(ErrorKind::kTerminal,
                         what + ": " + jread::textOr(body.value(), "error", "not a success"));
  std::vector<PrometheusTarget> out;
  const Json& targets = jread::array(jread::object(body.value(), "data"), "activeTargets");
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

}  // namespace hx
