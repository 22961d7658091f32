// Grafana, as far as the backlog's MON.1 asks it: dashboards and data sources through Grafana's
// HTTP API (grafana.com/docs/grafana/latest/developers/http_api/: "Dashboard API", "Data source
// API", "Health API"). Bodies and errors follow Grafana's source:
//   - pkg/services/dashboards/errors.go: a missing dashboard is 404
//     {"message": "Dashboard not found", "status": "not-found"}; an empty title 400
//     "Dashboard title cannot be empty" (status "empty-name"); a uid longer than 40 characters or
//     with characters outside [a-zA-Z0-9_-] 400; saving over a newer version without `overwrite`
//     412 "The dashboard has been changed by someone else" (status "version-mismatch").
//   - pkg/api/datasources.go: 404 {"message": "Data source not found"}; a second data source of
//     the same name 409 {"message": "data source with the same name already exists"}.
//   - pkg/services/authn: a request without valid credentials is 401 with errutil's public
//     payload {"message": "Unauthorized", "messageId": "auth.unauthorized", "statusCode": 401}.
//   - pkg/api/plugins.go CheckHealth: a data source's health is 200 {"status": "OK", ...}, or
//     400 {"status": "ERROR", "message"} when its check fails. A Prometheus data source's check
//     (grafana's prometheus datasource, healthcheck.go) runs the query `1+1` against its URL;
//     this personality really sends it, so the check answers for the Prometheus it names.
// GET /api/health needs no credentials: {"commit", "database": "ok", "version"}.
// With --api-key KEY, every other request needs `Authorization: Bearer KEY` (a service account
// token); without it, anonymous access as an admin.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "sim_host.h"

namespace hxsim {

class GrafanaPersonality : public Personality {
 public:
  explicit GrafanaPersonality(std::string token) : token_(std::move(token)) {}
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override { return path == "/api/health"; }
  void internalError(httplib::Response& res) const override;
  bool authorize(const httplib::Request& req, httplib::Response& res) override;

 private:
  void saveDashboard(const httplib::Request& req, httplib::Response& res);
  void addDataSource(const httplib::Request& req, httplib::Response& res);
  void dataSourceHealth(const Json& source, httplib::Response& res);
  // The data source of that uid, as added; nullopt when there is none.
  std::optional<Json> dataSource(const std::string& uid);

  std::string token_;
  std::mutex mu_;
  std::map<std::string, Json> dashboards_;   // uid -> {dashboard, meta}
  std::map<std::string, Json> dataSources_;  // uid -> data source
  int nextId_ = 1;
};

}  // namespace hxsim
