#include "src/daemon/http_server.h"

#include <httplib.h>

#include <chrono>

namespace hx {

namespace {

// How long one stream lives before the browser reconnects (EventSource does so by itself): a
// stream never outlives a page forgotten in a tab by much, and a proxy's idle cut is harmless.
constexpr auto kStreamLifetime = std::chrono::minutes(10);
constexpr auto kKeepAlive = std::chrono::seconds(15);
// Header names are case-insensitive (httplib compares them so); lower case, as HTTP/2 sends them.
constexpr const char* kHostHeader = "host";

void answer(httplib::Response& res, const web::WebResponse& r) {
  res.status = r.status;
  for (const auto& [name, value] : r.headers) res.set_header(name, value);
  res.set_content(r.body, r.contentType);
}

}  // namespace

bool isLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

DaemonHttpServer::DaemonHttpServer(std::function<std::string()> metrics,
                                   std::function<std::pair<bool, std::string>()> ready)
    : server_(std::make_unique<httplib::Server>()) {
  // Before any route: on a loopback listener a request whose Host is not loopback's comes from a
  // page a DNS-rebinding attack pointed here, whatever the path (/metrics and the probes too);
  // then basic auth, when configured, for everything but the probes.
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (loopbackListener_ && !web::loopbackHostHeader(req.get_header_value(kHostHeader))) {
      res.status = 403;
      for (const auto& [name, value] : web::securityHeaders()) res.set_header(name, value);
      res.set_content("not this address\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!auth_ || req.path == "/healthz" || req.path == "/readyz" ||
        auth_->allows(req.get_header_value("Authorization")))
      return httplib::Server::HandlerResponse::Unhandled;
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"hxctl\", charset=\"UTF-8\"");
    for (const auto& [name, value] : web::securityHeaders()) res.set_header(name, value);
    res.set_content("authentication required\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  server_->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [ready](const httplib::Request&, httplib::Response& res) {
    auto [ok, why] = ready();
    res.status = ok ? 200 : 503;
    // Ready with a reason: a standby says who leads.
    res.set_content(
        ok ? (why.empty() ? "ready\n" : "ready: " + why + "\n") : "not ready: " + why + "\n",
        "text/plain");
  });
}

DaemonHttpServer::~DaemonHttpServer() { stop(); }

void DaemonHttpServer::requireAuth(std::shared_ptr<web::BasicAuth> auth) {
  auth_ = std::move(auth);
}

void DaemonHttpServer::enableWeb(web::WebSite& site, web::ChangeFeed& feed,
                                 std::shared_ptr<web::BasicAuth> auth) {
  feed_ = &feed;
  // Threads for pages and streams. httplib holds a thread for each connection a browser keeps
  // alive (up to six per page), not per request: with its default pool (8 here) the streams and
  // a few idle connections left a refused page's stream request queued, never answered, so it
  // could not fall back to polling (seen under ASan in CI). Room for the streams and several
  // browsers, and idle connections let go after 2 s instead of 5.
  server_->new_task_queue = [] { return new httplib::ThreadPool(kMaxStreams + 24); };
  server_->set_keep_alive_timeout(2);
  if (auth) requireAuth(auth);
  server_->Get("/api/stream", [this, &site](const httplib::Request& req, httplib::Response& res) {
    for (const auto& [name, value] : web::securityHeaders()) res.set_header(name, value);
    if (site.refusesHost(req.get_header_value(kHostHeader))) {
      res.status = 403;
      res.set_content("not this address\n", "text/plain");
      return;
    }
    if (++streams_ > kMaxStreams) {
      --streams_;
      res.status = 503;
      res.set_content("too many live pages; poll /api/generation\n", "text/plain");
      return;
    }
    const auto opened = std::chrono::steady_clock::now();
    auto seen = std::make_shared<int64_t>(-1);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, opened, seen](size_t, httplib::DataSink& sink) {
          if (feed_->closed() || std::chrono::steady_clock::now() - opened > kStreamLifetime) {
            sink.done();
            return true;
          }
          int64_t now = feed_->generation();
          if (now == *seen) now = feed_->waitPast(*seen, kKeepAlive);
          std::string event;
          if (*seen < 0) event = "retry: 2000\n";
          if (now != *seen)
            event += "event: change\ndata: {\"generation\": " + std::to_string(now) + "}\n\n";
          else
            event += ": keep-alive\n\n";  // finds a closed connection; proxies see traffic
          *seen = now;
          return sink.write(event.data(), event.size());
        },
        [this](bool) { --streams_; });
  });
  auto page = [&site](const httplib::Request& req, httplib::Response& res) {
    answer(res,
           site.serve(web::WebRequest{req.method, req.target, req.get_header_value(kHostHeader)}));
  };
  server_->Get(".*", page);
  server_->Post(".*", page);
  server_->Put(".*", page);
  server_->Patch(".*", page);
  server_->Delete(".*", page);
}

Status DaemonHttpServer::start(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Status::error(ErrorKind::kInvalidSpec,
                         "--metrics-address " + address + ": expected HOST:PORT");
  std::string host = address.substr(0, colon);
  loopbackListener_ = isLoopbackHost(host);
  int port = 0;
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return Status::error(ErrorKind::kInvalidSpec, "--metrics-address " + address + ": bad port");
  if (port == 0) {
    port_ = server_->bind_to_any_port(host.c_str());
    if (port_ <= 0) return Status::error(ErrorKind::kUnavailable, "cannot listen on " + address);
  } else {
    if (!server_->bind_to_port(host.c_str(), port))
      return Status::error(ErrorKind::kUnavailable,
                           "cannot listen on " + address + " (in use, or not an address here)");
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status::ok();
}

void DaemonHttpServer::stop() {
  if (!thread_.joinable()) return;
  if (feed_) feed_->close();  // ends the streams, which would hold the pool's threads
  server_->stop();
  thread_.join();
}

}  // namespace hx
