// The estate's API gateway in front of Qdrant, as the operators run it (their backlog: port 8000,
// X-API-Key authentication, keys from a file). It is not a third-party server: its contract is
// hxctl's gateway key file (README, "Gateway key file"): entries with
// hash = sha256:<salt hex>:<hex of SHA-256(salt bytes || key)>, read again on every request.
//   - No key file, or one with no entries: open (the gateway before key auth was turned on).
//   - Otherwise a request needs X-API-Key matching an entry whose `expires` has not passed:
//     401 {"detail": "Invalid or missing API key"} (FastAPI's shape) when it does not.
//   - /healthz answers 200 without a key; every other request is forwarded to the upstream
//     Qdrant with the upstream's api key, and its answer relayed.
//   - --rate-limit N: at most N requests a second (a fixed one-second window, slowapi's default
//     strategy, as a FastAPI gateway limits); the rest get 429
//     {"error": "Rate limit exceeded: N per 1 second"} (slowapi's handler).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "sim_host.h"

namespace hxsim {

struct GatewayOptions {
  std::string upstream;  // http://127.0.0.1:PORT of the Qdrant behind it
  std::string upstreamKey;
  std::string keyFile;
  int rateLimit = 0;  // requests per second; 0: unlimited
};

class GatewayPersonality : public Personality {
 public:
  explicit GatewayPersonality(GatewayOptions options) : options_(std::move(options)) {}
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override { return path == "/healthz"; }
  void internalError(httplib::Response& res) const override;
  bool authorize(const httplib::Request& req, httplib::Response& res) override;

 private:
  void forward(const httplib::Request& req, httplib::Response& res);
  bool withinRateLimit();
  GatewayOptions options_;
  std::mutex rateMu_;
  int64_t window_ = 0;  // the current second
  int used_ = 0;        // requests in it
};

// A plain web application (the Qdrant Web UI on the web host): GET / answers its HTML page.
class WebPersonality : public Personality {
 public:
  explicit WebPersonality(std::string title) : title_(std::move(title)) {}
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override { return path == "/"; }
  void internalError(httplib::Response& res) const override;
  bool authorize(const httplib::Request&, httplib::Response&) override { return true; }

 private:
  std::string title_;
};

}  // namespace hxsim
