#include "grafana_personality.h"

#include <optional>
#include <regex>

namespace hxsim {

namespace {

void reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void message(httplib::Response& res, int status, const std::string& text,
             const std::string& statusWord = "") {
  Json body = {{"message", text}};
  if (!statusWord.empty()) body["status"] = statusWord;
  reply(res, status, body);
}

// Grafana's slugify: lower case, runs of anything but letters and digits become one '-'.
std::string slugOf(const std::string& title) {
  std::string out;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string newUid(int id) { return "hxsim" + std::to_string(100000 + id); }

// The data source's view in the API's answers (secureJsonData is never returned).
Json publicView(const Json& ds) {
  Json out = ds;
  out.erase("secureJsonData");
  return out;
}

}  // namespace

void GrafanaPersonality::internalError(httplib::Response& res) const {
  reply(res, 500, {{"message", "Internal Server Error"}, {"statusCode", 500}});
}

bool GrafanaPersonality::authorize(const httplib::Request& req, httplib::Response& res) {
  if (token_.empty() || isHealthPath(req.path)) return true;
  if (req.get_header_value("Authorization") == "Bearer " + token_) return true;
  reply(res, 401,
        {{"extra", nullptr},
         {"message", "Unauthorized"},
         {"messageId", "auth.unauthorized"},
         {"statusCode", 401},
         {"traceID", ""}});
  return false;
}

void GrafanaPersonality::saveDashboard(const httplib::Request& req, httplib::Response& res) {
  Json body = Json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("dashboard") || !body["dashboard"].is_object())
    return message(res, 400, "bad request data");
  Json dash = body["dashboard"];
  std::string title =
      dash.value("title", Json()).is_string() ? dash["title"].get<std::string>() : "";
  if (title.find_first_not_of(" \t") == std::string::npos)
    return message(res, 400, "Dashboard title cannot be empty", "empty-name");
  std::lock_guard<std::mutex> lock(mu_);
  std::string uid = dash.value("uid", Json()).is_string() ? dash["uid"].get<std::string>() : "";
  if (uid.size() > 40) return message(res, 400, "uid too long, max 40 characters");
  static const std::regex kUid("^[a-zA-Z0-9_-]*$");
  if (!std::regex_match(uid, kUid)) return message(res, 400, "uid contains illegal characters");
  bool overwrite = body.value("overwrite", Json(false)) == Json(true);
  int id = nextId_;
  int version = 1;
  auto old = dashboards_.find(uid);
  if (!uid.empty() && old != dashboards_.end()) {
    int stored = old->second["dashboard"].value("version", 0);
    int given = dash.value("version", Json(0)).is_number_integer() ? dash["version"].get<int>() : 0;
    if (!overwrite && given != stored)
      return message(res, 412, "The dashboard has been changed by someone else",
                     "version-mismatch");
    id = old->second["dashboard"].value("id", id);
    version = stored + 1;
  } else {
    ++nextId_;
    if (uid.empty()) uid = newUid(id);
  }
  dash["id"] = id;
  dash["uid"] = uid;
  dash["version"] = version;
  std::string slug = slugOf(title);
  std::string url = "/d/" + uid + "/" + slug;
  dashboards_[uid] = {
      {"dashboard", dash},
      {"meta",
       {{"type", "db"},
        {"slug", slug},
        {"url", url},
        {"version", version},
        {"folderUid", body.value("folderUid", Json("")).is_string() ? body["folderUid"] : Json("")},
        {"provisioned", false},
        {"canSave", true}}}};
  reply(res, 200,
        {{"id", id},
         {"uid", uid},
         {"url", url},
         {"status", "success"},
         {"version", version},
         {"slug", slug}});
}

void GrafanaPersonality::addDataSource(const httplib::Request& req, httplib::Response& res) {
  Json ds = Json::parse(req.body, nullptr, false);
  if (!ds.is_object()) return message(res, 400, "bad request data");
  if (!ds.value("name", Json()).is_string() || ds["name"].get<std::string>().empty())
    return message(res, 400, "bad request data");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [uid, other] : dataSources_)
    if (other["name"] == ds["name"])
      return message(res, 409, "data source with the same name already exists");
  int id = nextId_++;
  std::string uid = ds.value("uid", Json()).is_string() ? ds["uid"].get<std::string>() : newUid(id);
  if (dataSources_.count(uid))
    return message(res, 409, "data source with the same uid already exists");
  ds["id"] = id;
  ds["uid"] = uid;
  ds["orgId"] = 1;
  if (!ds.contains("access")) ds["access"] = "proxy";
  if (!ds.contains("isDefault")) ds["isDefault"] = dataSources_.empty();
  if (!ds.contains("jsonData")) ds["jsonData"] = Json::object();
  ds["readOnly"] = false;
  // One default per organisation: a new default clears the flag on the others (Grafana's
  // datasources store, updateIsDefaultFlag).
  if (ds["isDefault"] == Json(true))
    for (auto& [otherUid, other] : dataSources_) other["isDefault"] = false;
  dataSources_[uid] = ds;
  reply(res, 200,
        {{"datasource", publicView(ds)},
         {"id", id},
         {"message", "Datasource added"},
         {"name", ds["name"]}});
}

std::optional<Json> GrafanaPersonality::dataSource(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = dataSources_.find(uid);
  if (it == dataSources_.end()) return std::nullopt;
  return it->second;
}

// Grafana's Prometheus health check: the instant query `1+1` against the data source's URL.
void GrafanaPersonality::dataSourceHealth(const Json& source, httplib::Response& res) {
  if (source.value("type", "") != "prometheus")
    return reply(res, 200, {{"status", "OK"}, {"message", "Data source is working"}});
  std::string url = source.value("url", "");
  httplib::Client client(url);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  auto r = client.Get("/api/v1/query?query=1%2B1");
  if (!r)
    return reply(res, 400,
                 {{"status", "ERROR"},
                  {"message", "Prometheus: error reading Prometheus: Post \"" + url +
                                  "/api/v1/query\": " + httplib::to_string(r.error())}});
  if (r->status != 200)
    return reply(res, 400,
                 {{"status", "ERROR"},
                  {"message", "Prometheus: bad_response: HTTP " + std::to_string(r->status)}});
  reply(res, 200, {{"status", "OK"}, {"message", "Successfully queried the Prometheus API."}});
}

void GrafanaPersonality::install(httplib::Server& s) {
  s.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, {{"commit", "hx-sim"}, {"database", "ok"}, {"version", "10.4.0"}});
  });
  s.Post("/api/dashboards/db",
         [this](const httplib::Request& q, httplib::Response& r) { saveDashboard(q, r); });
  s.Get(R"(/api/dashboards/uid/([^/]+))", [this](const httplib::Request& q, httplib::Response& r) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dashboards_.find(q.matches[1]);
    if (it == dashboards_.end()) return message(r, 404, "Dashboard not found", "not-found");
    reply(r, 200, it->second);
  });
  s.Delete(R"(/api/dashboards/uid/([^/]+))",
           [this](const httplib::Request& q, httplib::Response& r) {
             std::lock_guard<std::mutex> lock(mu_);
             auto it = dashboards_.find(q.matches[1]);
             if (it == dashboards_.end())
               return message(r, 404, "Dashboard not found", "not-found");
             Json d = it->second["dashboard"];
             dashboards_.erase(it);
             reply(r, 200,
                   {{"title", d["title"]},
                    {"message", "Dashboard " + d["title"].get<std::string>() + " deleted"},
                    {"id", d["id"]}});
           });
  s.Get("/api/search", [this](const httplib::Request& q, httplib::Response& r) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string query = q.get_param_value("query");
    Json out = Json::array();
    for (const auto& [uid, d] : dashboards_) {
      std::string title = d["dashboard"]["title"];
      if (!query.empty() && slugOf(title).find(slugOf(query)) == std::string::npos) continue;
      out.push_back({{"id", d["dashboard"]["id"]},
                     {"uid", uid},
                     {"title", title},
                     {"url", d["meta"]["url"]},
                     {"slug", ""},
                     {"type", "dash-db"},
                     {"tags", d["dashboard"].value("tags", Json::array())},
                     {"isStarred", false}});
    }
    reply(r, 200, out);
  });
  s.Post("/api/datasources",
         [this](const httplib::Request& q, httplib::Response& r) { addDataSource(q, r); });
  s.Get("/api/datasources", [this](const httplib::Request&, httplib::Response& r) {
    std::lock_guard<std::mutex> lock(mu_);
    Json out = Json::array();
    for (const auto& [uid, ds] : dataSources_) out.push_back(publicView(ds));
    reply(r, 200, out);
  });
  s.Get(R"(/api/datasources/uid/([^/]+))", [this](const httplib::Request& q, httplib::Response& r) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dataSources_.find(q.matches[1]);
    if (it == dataSources_.end()) return message(r, 404, "Data source not found");
    reply(r, 200, publicView(it->second));
  });
  s.Get(R"(/api/datasources/name/([^/]+))",
        [this](const httplib::Request& q, httplib::Response& r) {
          std::lock_guard<std::mutex> lock(mu_);
          for (const auto& [uid, ds] : dataSources_)
            if (ds["name"] == q.matches[1].str()) return reply(r, 200, publicView(ds));
          message(r, 404, "Data source not found");
        });
  s.Get(R"(/api/datasources/uid/([^/]+)/health)",
        [this](const httplib::Request& q, httplib::Response& r) {
          auto source = dataSource(q.matches[1]);
          if (!source) return message(r, 404, "Data source not found");
          dataSourceHealth(*source, r);
        });
  // Grafana's data source proxy (docs: HTTP API, "Data source proxy calls", GET
  // /api/datasources/proxy/uid/:uid/*): the request goes on to the data source's own URL, and
  // its answer comes back as the data source gave it. Only the Prometheus instant query, which
  // is what hxctl asks through it.
  s.Get(R"(/api/datasources/proxy/uid/([^/]+)/api/v1/query)",
        [this](const httplib::Request& q, httplib::Response& r) {
          auto source = dataSource(q.matches[1]);
          if (!source) return message(r, 404, "Data source not found");
          httplib::Client client(source->value("url", ""));
          client.set_connection_timeout(2);
          client.set_read_timeout(10);
          httplib::Params params;
          if (q.has_param("query")) params.emplace("query", q.get_param_value("query"));
          auto answer = client.Get("/api/v1/query", params, httplib::Headers{});
          if (!answer) return message(r, 502, "Bad Gateway");
          r.status = answer->status;
          r.set_content(answer->body, answer->get_header_value("Content-Type").c_str());
        });
}

}  // namespace hxsim
