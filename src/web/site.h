// The web view's routes, independent of the HTTP server that carries them (the daemon's, in
// src/daemon/http_server.cpp; the unit tests call serve() directly):
//   GET /                the estate          GET /api/hosts       hosts --offline -o json
//   GET /backlog         the backlog         GET /api/status      status -o json
//   GET /tasks/ID        one task            GET /api/tasks/ID    status ID -o json
//   GET /runs            runs and deferred   GET /api/plan        plan --offline -o json
//   GET /static/...      CSS and script      GET /api/history     history -o json
//                                            GET /api/runs/N      history N -o json
//                                            GET /api/generation  {"generation": N}
// Read only: any other method is 405. Every answer carries a Content-Security-Policy that allows
// only the page's own stylesheet and script.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "src/web/change_feed.h"
#include "src/web/snapshot.h"

namespace hx::web {

struct WebRequest {
  std::string method = "GET";
  std::string path;  // as sent, percent-encoded
};

struct WebResponse {
  int status = 200;
  std::string contentType;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The headers every answer carries (CSP, nosniff, no-store, no referrer).
std::vector<std::pair<std::string, std::string>> securityHeaders();

class WebSite {
 public:
  // `read` builds a snapshot at a generation (buildSnapshot, bound to the daemon's store and
  // specs). A snapshot is reused until the feed moves or it is `maxAgeSeconds` old (ages and
  // "for" figures go on counting).
  WebSite(std::function<Snapshot(int64_t generation)> read, ChangeFeed& feed,
          std::function<int64_t()> nowSeconds, int64_t maxAgeSeconds = 30);

  WebResponse serve(const WebRequest& request);
  std::shared_ptr<const Snapshot> snapshot();

 private:
  std::function<Snapshot(int64_t)> read_;
  ChangeFeed& feed_;
  std::function<int64_t()> now_;
  int64_t maxAge_;
  std::mutex mu_;  // one build at a time; requests meanwhile wait and share it
  std::shared_ptr<const Snapshot> cached_;
};

// A percent-encoded path segment decoded; nullopt when malformed.
std::optional<std::string> decodePathSegment(const std::string& text);

}  // namespace hx::web
