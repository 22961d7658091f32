#include "src/providers/monitoring/grafana_api.h"

#include <set>

#include "src/platform/url_encode.h"
#include "src/providers/json_read.h"

namespace hx {

GrafanaApi::GrafanaApi(HttpTransport& http, std::string baseUrl, std::string token,
                       int64_t timeoutMs)
    : http_(http), baseUrl_(std::move(baseUrl)), token_(std::move(token)), timeoutMs_(timeoutMs) {
  while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
}

Result<HttpResponse> GrafanaApi::get(const std::string& path) {
  HttpRequest req;
  req.url = baseUrl_ + path;
  req.timeoutMs = timeoutMs_;
  if (!token_.empty()) req.headers.emplace_back("Authorization", "Bearer " + token_);
  auto r = http_.send(req);
  if (!r) return Status::error(r.status().kind(), "GET " + path + ": " + r.status().message());
  if (r.value().status == 401 || r.value().status == 403)
    return Status::error(
        ErrorKind::kTerminal,
        "GET " + path + ": HTTP " + std::to_string(r.value().status) + " (" +
            jread::serverError(r.value().body) + "): " +
            (token_.empty() ? "Grafana needs a token (spec: token)" : "Grafana refused the token"));
  return r;
}

Result<std::optional<Json>> GrafanaApi::dashboard(const std::string& uid) {
  const std::string path = "/api/dashboards/uid/" + uid;
  auto r = get(path);
  if (!r) return r.status();
  if (r.value().status == 404) return std::optional<Json>{};
  if (r.value().status != 200)
    return Status::error(ErrorKind::kTerminal, "GET " + path + ": HTTP " +
                                                   std::to_string(r.value().status) + ": " +
                                                   jread::serverError(r.value().body));
  auto body = jread::parseBody("GET " + path, r.value());
  if (!body) return body.status();
  return std::optional<Json>(body.value());
}

Result<std::vector<GrafanaDataSource>> GrafanaApi::dataSources() {
  auto r = get("/api/datasources");
  if (!r) return r.status();
  if (r.value().status != 200)
    return Status::error(ErrorKind::kTerminal, "GET /api/datasources: HTTP " +
                                                   std::to_string(r.value().status) + ": " +
                                                   jread::serverError(r.value().body));
  auto body = jread::parseBody("GET /api/datasources", r.value());
  if (!body) return body.status();
  std::vector<GrafanaDataSource> out;
  if (!body.value().is_array()) return out;
  for (const auto& d : body.value()) {
    GrafanaDataSource ds;
    ds.uid = jread::textOr(d, "uid", "");
    ds.name = jread::textOr(d, "name", "");
    ds.type = jread::textOr(d, "type", "");
    ds.isDefault = jread::boolean(d, "isDefault").value_or(false);
    if (!ds.uid.empty()) out.push_back(std::move(ds));
  }
  return out;
}

Result<GrafanaHealth> GrafanaApi::health(const std::string& uid) {
  const std::string path = "/api/datasources/uid/" + uid + "/health";
  auto r = get(path);
  if (!r) return r.status();
  // 200 {"status": "OK"}; a failing check is 400 {"status": "ERROR", "message"}.
  GrafanaHealth h;
  auto body = jread::parseBody("GET " + path, r.value());
  if (!body) return body.status();
  h.ok = r.value().status == 200 && jread::textOr(body.value(), "status", "") == "OK";
  h.message = jread::textOr(body.value(), "message", jread::serverError(r.value().body));
  return h;
}

Result<size_t> GrafanaApi::seriesNow(const std::string& uid, const std::string& expr) {
  const std::string path =
      "/api/datasources/proxy/uid/" + uid + "/api/v1/query?query=" + urlEncode(expr);
  auto r = get(path);
  if (!r) return r.status();
  auto body =
      jread::parseBody("GET /api/datasources/proxy/uid/" + uid + "/api/v1/query", r.value());
  if (!body) return body.status();
  if (r.value().status != 200 || jread::textOr(body.value(), "status", "") != "success")
    return Status::error(
        ErrorKind::kTerminal,
        "the query failed: HTTP " + std::to_string(r.value().status) + " (" +
            jread::textOr(body.value(), "error", jread::serverError(r.value().body)) + ")");
  const Json& data = jread::object(body.value(), "data");
  const std::string type = jread::textOr(data, "resultType", "");
  if (type == "scalar" || type == "string") return size_t{1};
  return jread::array(data, "result").size();
}

namespace {

void collectPanels(const Json& panels, std::vector<const Json*>& out, int depth) {
  if (!panels.is_array() || depth > 8) return;
  for (const auto& p : panels) {
    if (!p.is_object()) continue;
    out.push_back(&p);
    collectPanels(jread::array(p, "panels"), out, depth + 1);
  }
}

// "$ds", "${ds}" or "${ds:text}" -> "ds"; anything else -> "".
std::string variableName(const std::string& ref) {
  if (ref.empty() || ref[0] != '$') return "";
  std::string name = ref.substr(1);
  if (!name.empty() && name.front() == '{') {
    name = name.substr(
        1, name.find('}') == std::string::npos ? std::string::npos : name.find('}') - 1);
    name = name.substr(0, name.find(':'));
  }
  return name;
}

}  // namespace

std::vector<const Json*> dashboardPanels(const Json& dashboard) {
  std::vector<const Json*> out;
  collectPanels(jread::array(dashboard, "panels"), out, 0);
  return out;
}

DashboardSources dashboardSources(const Json& dashboard,
                                  const std::vector<GrafanaDataSource>& available) {
  auto byUid = [&](const std::string& uid) -> const GrafanaDataSource* {
    for (const auto& d : available)
      if (d.uid == uid) return &d;
    return nullptr;
  };
  auto byName = [&](const std::string& name) -> const GrafanaDataSource* {
    for (const auto& d : available)
      if (d.name == name) return &d;
    return nullptr;
  };
  auto defaultOf = [&](const std::string& type) -> const GrafanaDataSource* {
    const GrafanaDataSource* first = nullptr;
    for (const auto& d : available) {
      if (!type.empty() && d.type != type) continue;
      if (d.isDefault) return &d;
      if (!first) first = &d;
    }
    return type.empty() ? nullptr : first;
  };
  // A datasource variable of the templating: its `query` is the plugin type it offers.
  auto variable = [&](const std::string& name) -> const GrafanaDataSource* {
    for (const auto& v : jread::array(jread::object(dashboard, "templating"), "list"))
      if (jread::textOr(v, "name", "") == name && jread::textOr(v, "type", "") == "datasource")
        return defaultOf(jread::textOr(v, "query", ""));
    return nullptr;
  };
  DashboardSources out;
  std::set<std::string> seen, unresolved;
  auto resolve = [&](const Json* ref) {
    const GrafanaDataSource* found = nullptr;
    std::string said;
    if (!ref || ref->is_null()) {
      found = defaultOf("");
      said = "(the default data source)";
    } else if (ref->is_string()) {
      said = ref->get<std::string>();
      std::string var = variableName(said);
      found = var.empty() ? byName(said) : variable(var);
    } else if (ref->is_object()) {
      said = jread::textOr(*ref, "uid", "");
      std::string var = variableName(said);
      found = var.empty() ? byUid(said) : variable(var);
      if (said.empty()) {
        found = defaultOf(jread::textOr(*ref, "type", ""));
        said = "(the default " + jread::textOr(*ref, "type", "") + " data source)";
      }
    } else {
      return;
    }
    if (found) {
      if (seen.insert(found->uid).second) out.resolved.push_back(*found);
    } else if (unresolved.insert(said).second) {
      out.unresolved.push_back(said);
    }
  };
  for (const Json* panel : dashboardPanels(dashboard)) {
    if (jread::textOr(*panel, "type", "") == "row") continue;
    resolve(jread::field(*panel, "datasource"));
  }
  return out;
}

}  // namespace hx
