#include "src/daemon/http_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>

#include "src/daemon/connection_queue.h"

namespace hx {

namespace {

// How long one stream lives before the browser reconnects (EventSource does so by itself): a
// stream never outlives a page forgotten in a tab by much, and a proxy's idle cut is harmless.
constexpr auto kStreamLifetime = std::chrono::minutes(10);
constexpr auto kKeepAlive = std::chrono::seconds(15);
// Header names are case-insensitive (httplib compares them so); lower case, as HTTP/2 sends them.
constexpr const char* kHostHeader = "host";
// A connection that has sent nothing for this long is closed, and a request whose bytes stop
// coming for kReadTimeout fails: a silent or slow client holds a thread for seconds, not forever.
constexpr time_t kIdleSeconds = 2;
constexpr time_t kReadTimeoutSeconds = 5;
// Threads kept for the probes when every other one is busy (connection_queue.h).
constexpr size_t kReserveThreads = 4;
// General threads: enough that dozens of half-open or slow connections leave most of them free
// (an idle thread costs a few KiB of resident memory).
constexpr size_t kConnectionThreads = 96;
// Kernel-side wait for a connection's first bytes before accept() hands it over.
constexpr int kDeferAcceptSeconds = 5;
// Connections the kernel may hold for accept(). httplib listens with a backlog of 5: a handful of
// silent connections then filled it and every new one, a probe too, waited for its SYN's
// retransmission (1 s, then 3 s).
constexpr int kListenBacklog = 1024;
// Requests larger than this are refused (the daemon's routes take no bodies worth the name).
constexpr size_t kMaxPayload = 64 * 1024;

bool isProbe(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

void refuse(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  for (const auto& [name, value] : web::securityHeaders()) res.set_header(name, value);
  res.set_content(text, "text/plain");
}

// The listener's options: the address may be reused after a restart (SO_REUSEADDR; not
// httplib's SO_REUSEPORT, with which a second daemon would bind the same port silently), and
// accept waits for data (TCP_DEFER_ACCEPT).
void listenerOptions(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  int defer = kDeferAcceptSeconds;
  setsockopt(sock, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof defer);
}

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
  server_->set_socket_options([this](int sock) {
    listenerOptions(sock);
    listener_ = sock;
  });
  server_->set_keep_alive_timeout(kIdleSeconds);
  server_->set_read_timeout(kReadTimeoutSeconds, 0);
  server_->set_write_timeout(kReadTimeoutSeconds, 0);
  server_->set_payload_max_length(kMaxPayload);
  threads_ = kConnectionThreads;
  server_->new_task_queue = [this] { return new ConnectionQueue(threads_, kReserveThreads); };
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (loopbackListener_ && !web::loopbackHostHeader(req.get_header_value(kHostHeader))) {
      refuse(res, 403, "not this address\n");
      return httplib::Server::HandlerResponse::Handled;
    }
    // On a reserve thread the server is saturated: the probes only, and that connection closed.
    if (ConnectionQueue::onReserveThread()) {
      res.set_header("Connection", "close");
      if (!isProbe(req.path)) {
        res.set_header("Retry-After", "1");
        refuse(res, 503, "busy; try again\n");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (!auth_ || req.path == "/healthz" || req.path == "/readyz")
      return httplib::Server::HandlerResponse::Unhandled;
    const auto decision = auth_->check(req.get_header_value("Authorization"), req.remote_addr);
    using Verdict = web::AuthDecision::Verdict;
    switch (decision.verdict) {
      case Verdict::kAllowed:
        return httplib::Server::HandlerResponse::Unhandled;
      case Verdict::kThrottled:
        res.set_header("Retry-After", std::to_string(decision.retryAfterSeconds));
        refuse(res, 429, "too many failed logins; try again later\n");
        return httplib::Server::HandlerResponse::Handled;
      case Verdict::kBusy:
        res.set_header("Retry-After", std::to_string(decision.retryAfterSeconds));
        refuse(res, 503, "busy verifying logins; try again\n");
        return httplib::Server::HandlerResponse::Handled;
      case Verdict::kDenied:
        break;
    }
    res.set_header("WWW-Authenticate", "Basic realm=\"hxctl\", charset=\"UTF-8\"");
    refuse(res, 401, "authentication required\n");
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
  // httplib holds a thread for each connection a browser keeps alive (up to six per page), not
  // per request, and a live stream holds one for as long as its page is open: kMaxStreams of the
  // kConnectionThreads, the rest left for pages, probes and idle connections.
  static_assert(kConnectionThreads > 4 * kMaxStreams);
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
  // Listening again on a listening socket only changes its backlog (listen(2) on Linux).
  if (listener_ >= 0) ::listen(listener_, kListenBacklog);
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
