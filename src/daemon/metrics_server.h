// The daemon's local HTTP endpoint: /metrics (Prometheus text format), /healthz (the process
// answers) and /readyz (the first cycle has run and the store takes writes).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "reconciler/status.h"

namespace httplib {
class Server;
}

namespace hx {

class MetricsServer {
 public:
  // ready() returns whether the daemon is ready and, when not, why.
  MetricsServer(std::function<std::string()> metrics,
                std::function<std::pair<bool, std::string>()> ready);
  ~MetricsServer();

  // address: HOST:PORT (PORT 0 picks a free one). Binds before returning, so a port in use is
  // an error here, not a silent background failure.
  Status start(const std::string& address);
  void stop();
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hx
