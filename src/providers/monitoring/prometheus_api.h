// A Prometheus server's HTTP API, as far as the backlog asks it: which targets a scrape job has
// and whether their last scrape worked (GET /api/v1/targets, Prometheus's docs "HTTP API:
// Targets") and which alerting rules it evaluates ("Rules"). The answer is read defensively: any
// field may be missing or of another type.
#pragma once

#include <string>
#include <vector>

#include "reconciler/status.h"
#include "src/platform/http.h"

namespace hx {

struct PrometheusTarget {
  std::string job;        // labels.job (scrapePool when the label is missing)
  std::string scrapeUrl;  // what it scrapes
  std::string health;     // "up", "down" or "unknown" (not scraped yet)
  std::string lastError;  // why the last scrape failed, if it did
};

struct PrometheusAlertRule {
  std::string group;      // the rule group's name
  std::string name;       // the alert's name
  std::string health;     // "ok", "err" or "unknown" (not evaluated yet)
  std::string lastError;  // why its last evaluation failed
  std::string state;      // "inactive", "pending" or "firing"
};

struct PrometheusSample {
  Json labels;   // the series' labels
  double value;  // its value now
};

class PrometheusApi {
 public:
  PrometheusApi(HttpTransport& http, std::string baseUrl, int64_t timeoutMs = 10000)
      : http_(http), baseUrl_(std::move(baseUrl)), timeoutMs_(timeoutMs) {}

  // The active targets (`?state=active`), as Prometheus reports them now.
  Result<std::vector<PrometheusTarget>> activeTargets();
  // The alerting rules Prometheus has loaded (GET /api/v1/rules?type=alert, "HTTP API: Rules").
  Result<std::vector<PrometheusAlertRule>> alertRules();
  // An instant query's vector result (GET /api/v1/query, "Instant queries").
  Result<std::vector<PrometheusSample>> query(const std::string& expr);

 private:
  // GET `path`; the `data` of a {"status": "success"} answer.
  Result<Json> getData(const std::string& path);
  HttpTransport& http_;
  std::string baseUrl_;
  int64_t timeoutMs_;
};

}  // namespace hx
