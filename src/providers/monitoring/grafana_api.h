// A Grafana server's HTTP API, as far as the backlog asks it (Grafana's docs, "HTTP API":
// Dashboard, Data source and Health APIs): a dashboard by uid, the data sources it draws from,
// and whether each of those answers its own health check. Answers are read defensively.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconciler/status.h"
#include "src/platform/http.h"

namespace hx {

struct GrafanaDataSource {
  std::string uid, name, type;
  bool isDefault = false;
};

struct GrafanaHealth {
  bool ok = false;
  std::string message;
};

class GrafanaApi {
 public:
  // `token`: a service account token (sent as a Bearer token), or empty for anonymous access.
  GrafanaApi(HttpTransport& http, std::string baseUrl, std::string token,
             int64_t timeoutMs = 10000);

  // GET /api/dashboards/uid/{uid}: {"dashboard": ..., "meta": ...}; nullopt when Grafana has no
  // such dashboard (404).
  Result<std::optional<Json>> dashboard(const std::string& uid);
  // GET /api/datasources.
  Result<std::vector<GrafanaDataSource>> dataSources();
  // GET /api/datasources/uid/{uid}/health: Grafana runs the data source's own check.
  Result<GrafanaHealth> health(const std::string& uid);
  // The number of series a Prometheus data source returns for `expr` now, asked through
  // Grafana's data source proxy (GET /api/datasources/proxy/uid/{uid}/api/v1/query), as the
  // panel's own query reaches it: a vector's or matrix's series, a scalar or string as 1.
  Result<size_t> seriesNow(const std::string& uid, const std::string& expr);

 private:
  Result<HttpResponse> get(const std::string& path);
  HttpTransport& http_;
  std::string baseUrl_, token_;
  int64_t timeoutMs_;
};

// The panels of a dashboard, rows' nested panels included.
std::vector<const Json*> dashboardPanels(const Json& dashboard);

// The data sources a dashboard draws from, resolved against Grafana's list: a panel's or query's
// `datasource` as {uid} or a name, a `$var`/`${var}` of the dashboard's templating (a datasource
// variable picks the default of its type, else the first), none at all meaning the default.
// Unresolvable references are returned in `unresolved` by what the dashboard says.
struct DashboardSources {
  std::vector<GrafanaDataSource> resolved;
  std::vector<std::string> unresolved;
};
DashboardSources dashboardSources(const Json& dashboard,
                                  const std::vector<GrafanaDataSource>& available);

}  // namespace hx
