// The web view's routes, independent of the HTTP server that carries them (the daemon's, in
// src/daemon/http_server.cpp; the unit tests call serve() directly):
//   GET /                the estate          GET /api/hosts       hosts --offline -o json
//   GET /backlog         the backlog         GET /api/status      status -o json
//   GET /tasks/ID        one task            GET /api/tasks/ID    status ID -o json
//   GET /runs            runs and deferred   GET /api/plan        plan --offline -o json
//   GET /static/...      CSS and script      GET /api/history     history -o json
//                                            GET /api/runs/N      history N -o json
//                                            GET /api/generation  {"generation": N}
// Read only: any other method is 405. On a loopback address, a Host header that is not
// loopback's is 403 (DNS rebinding). Every answer carries a Content-Security-Policy that allows
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
  std::string host;  // the Host header ("" when none was sent)
};

// What the site reads: a snapshot at a generation (buildSnapshot, bound to the daemon's store and
// specs), and one run with all its actions (readRun).
struct WebReaders {
  std::function<Snapshot(int64_t generation)> snapshot;
  std::function<std::optional<Json>(int64_t runId)> run;
};

// Whether a Host header names this machine's loopback as a browser would: an IP address or
// "localhost", with any port. A page of another site that a DNS-rebinding attack points at the
// daemon sends its own name, and is refused.
bool loopbackHostHeader(const std::string& host);

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
  // A snapshot is reused until the feed moves or it is `maxAgeSeconds` old (ages and "for"
  // figures go on counting). `loopbackOnly`: the daemon listens on loopback, so a request whose
  // Host is not loopback's (DNS rebinding) is refused.
  WebSite(WebReaders read, ChangeFeed& feed, std::function<int64_t()> nowSeconds, bool loopbackOnly,
          int64_t maxAgeSeconds = 30);

  WebResponse serve(const WebRequest& request);
  bool refusesHost(const std::string& host) const {
    return loopbackOnly_ && !loopbackHostHeader(host);
  }
  std::shared_ptr<const Snapshot> snapshot();

 private:
  WebReaders read_;
  ChangeFeed& feed_;
  std::function<int64_t()> now_;
  bool loopbackOnly_;
  int64_t maxAge_;
  std::mutex mu_;  // one build at a time; requests meanwhile wait and share it
  std::shared_ptr<const Snapshot> cached_;
};

// A percent-encoded path segment decoded; nullopt when malformed.
std::optional<std::string> decodePathSegment(const std::string& text);

}  // namespace hx::web
