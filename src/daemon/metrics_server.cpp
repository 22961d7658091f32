#include "src/daemon/metrics_server.h"

#include <httplib.h>

namespace hx {

MetricsServer::MetricsServer(std::function<std::string()> metrics,
                             std::function<std::pair<bool, std::string>()> ready)
    : server_(std::make_unique<httplib::Server>()) {
  server_->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [ready](const httplib::Request&, httplib::Response& res) {
    auto [ok, why] = ready();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ready\n" : "not ready: " + why + "\n", "text/plain");
  });
}

MetricsServer::~MetricsServer() { stop(); }

Status MetricsServer::start(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Status::error(ErrorKind::kInvalidSpec,
                         "--metrics-address " + address + ": expected HOST:PORT");
  std::string host = address.substr(0, colon);
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

void MetricsServer::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace hx
