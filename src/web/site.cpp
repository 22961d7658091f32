#include "src/web/site.h"

#include <arpa/inet.h>

#include <cctype>

#include "src/web/assets.h"
#include "src/web/pages.h"

namespace hx::web {

namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kJson = "application/json";

WebResponse html(int status, std::string body) {
  return WebResponse{status, kHtml, std::move(body), {}};
}

// As the command line prints -o json (src/cli/render_json.cpp): indented, bytes that are not
// UTF-8 replaced.
WebResponse json(const Json& j) {
  return WebResponse{200, kJson, j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n", {}};
}

WebResponse notFound(const std::string& what) { return html(404, messagePage("Not found", what)); }

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> securityHeaders() {
  return {{"Content-Security-Policy",
           "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
           "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"Cache-Control", "no-store"}};
}

std::optional<std::string> decodePathSegment(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

bool loopbackHostHeader(const std::string& host) {
  if (host.empty()) return true;  // HTTP/1.0: nothing named, nothing to rebind
  std::string name = host;
  if (name.front() == '[') {  // [::1]:9847
    const auto close = name.find(']');
    if (close == std::string::npos) return false;
    name = name.substr(1, close - 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string::npos) {
    name = name.substr(0, colon);
  }
  if (name == "localhost") return true;
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, name.c_str(), &v4) == 1 || inet_pton(AF_INET6, name.c_str(), &v6) == 1;
}

WebSite::WebSite(WebReaders read, ChangeFeed& feed, std::function<int64_t()> nowSeconds,
                 bool loopbackOnly, int64_t maxAgeSeconds)
    : read_(std::move(read)),
      feed_(feed),
      now_(std::move(nowSeconds)),
      loopbackOnly_(loopbackOnly),
      maxAge_(maxAgeSeconds) {}

std::shared_ptr<const Snapshot> WebSite::snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t generation = feed_.generation();
  if (!cached_ || cached_->generation != generation || now_() - cached_->builtAt >= maxAge_)
    cached_ = std::make_shared<const Snapshot>(read_.snapshot(generation));
  return cached_;
}

WebResponse WebSite::serve(const WebRequest& request) {
  WebResponse out = [&]() -> WebResponse {
    if (request.method != "GET" && request.method != "HEAD") {
      WebResponse r = html(405, messagePage("Read only",
                                            "The web view changes nothing; use "
                                            "hxctl on the command line."));
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    if (refusesHost(request.host))
      return html(403, messagePage("Not this address",
                                   "This view answers on loopback only: open it at "
                                   "http://127.0.0.1 with the daemon's port (through an SSH "
                                   "tunnel from another machine)."));
    std::string path = request.path.substr(0, request.path.find('?'));
    if (path == "/static/hxctl.css")
      return WebResponse{200, "text/css; charset=utf-8", std::string(kStylesheet), {}};
    if (path == "/static/hxctl.js")
      return WebResponse{200, "text/javascript; charset=utf-8", std::string(kScript), {}};
    if (path == "/api/generation") return json(Json{{"generation", feed_.generation()}});
    if (path.size() > 1 && path.back() == '/') path.pop_back();
    const auto s = snapshot();
    const bool api = startsWith(path, "/api/");
    if (!s->error.empty() && api) {
      WebResponse r = json(Json{{"error", s->error}});
      r.status = 503;
      return r;
    }
    if (path == "/" || path.empty()) return html(s->error.empty() ? 200 : 503, estatePage(*s));
    if (path == "/backlog") return html(s->error.empty() ? 200 : 503, backlogPage(*s));
    if (path == "/runs") return html(s->error.empty() ? 200 : 503, runsPage(*s));
    if (path == "/api/status") return json(s->status);
    if (path == "/api/hosts") return json(s->hosts);
    if (path == "/api/plan") return json(s->plan);
    if (path == "/api/history") return json(s->history);
    for (const std::string prefix : {"/tasks/", "/api/tasks/"}) {
      if (!startsWith(path, prefix)) continue;
      auto id = decodePathSegment(path.substr(prefix.size()));
      if (!id || !s->tasks.count(*id)) return notFound("No such task in the specs.");
      if (prefix == "/api/tasks/") return json(s->tasks.at(*id));
      return html(200, *taskPage(*s, *id));
    }
    if (startsWith(path, "/api/runs/")) {
      int64_t id = 0;
      try {
        size_t used = 0;
        id = std::stoll(path.substr(10), &used);
        if (used != path.size() - 10) id = 0;
      } catch (const std::exception&) {
        id = 0;
      }
      auto run = id > 0 && read_.run ? read_.run(id) : std::nullopt;
      if (!run)
        return notFound("No such run among the last " + std::to_string(Snapshot::kRuns) + ".");
      return json(*run);
    }
    return notFound("No page at this address.");
  }();
  for (auto& h : securityHeaders()) out.headers.push_back(std::move(h));
  if (request.method == "HEAD") out.body.clear();
  return out;
}

}  // namespace hx::web
