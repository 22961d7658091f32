// The daemon's HTTP endpoint: /metrics (Prometheus text format), /healthz (the process answers),
// /readyz (the first cycle has run and the store takes writes) and, unless turned off, the web
// view (src/web/site.h) with its live stream /api/stream (Server-Sent Events). With basic auth
// configured, everything but /healthz and /readyz asks for it, failed logins are throttled (429)
// and verification that cannot keep up answers 503 rather than queueing. On a loopback address
// every route refuses a Host that is not loopback's (DNS rebinding). Silent and slow connections
// are cut after a few seconds, and a few threads are kept for the probes (connection_queue.h).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "reconciler/status.h"
#include "src/web/basic_auth.h"
#include "src/web/change_feed.h"
#include "src/web/site.h"

namespace httplib {
class Server;
}

namespace hx {

class DaemonHttpServer {
 public:
  // ready() returns whether the daemon is ready and, when not, why.
  DaemonHttpServer(std::function<std::string()> metrics,
                   std::function<std::pair<bool, std::string>()> ready);
  ~DaemonHttpServer();

  // Basic auth for everything but /healthz and /readyz (before start()).
  void requireAuth(std::shared_ptr<web::BasicAuth> auth);
  // Serves the web view too (before start()). `auth` may be null: no access control.
  void enableWeb(web::WebSite& site, web::ChangeFeed& feed, std::shared_ptr<web::BasicAuth> auth);
  // address: HOST:PORT (PORT 0 picks a free one). Binds before returning, so a port in use is
  // an error here, not a silent background failure.
  Status start(const std::string& address);
  void stop();
  int port() const { return port_; }

  // Live streams served at once; beyond it /api/stream answers 503 and pages fall back to polling
  // (a stream holds one of the server's threads for as long as the page is open).
  static constexpr int kMaxStreams = 8;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  web::ChangeFeed* feed_ = nullptr;
  std::atomic<int> streams_{0};
  std::shared_ptr<web::BasicAuth> auth_;  // set before start(); read by the request threads
  bool loopbackListener_ = false;         // set by start(), before the first request
  int listener_ = -1;                     // the listening socket, once bound
  size_t threads_ = 0;                    // general connection threads (connection_queue.h)
};

// Whether HOST (of --metrics-address) is a loopback address: 127.0.0.0/8, ::1, localhost.
bool isLoopbackHost(const std::string& host);

}  // namespace hx
