// One simulated host: an HTTP server on a loopback port with a personality (Qdrant here; the
// LLM personalities plug in the same way), fault knobs, and an exchange log.
//
// Fault knobs apply to the personality's API, not to its health endpoints or the admin path
// /__hxsim/ (a path no real server uses):
//   latency_ms   added before every answer
//   error_rate   fraction of requests answered 500 in the personality's error shape
//   drop_rate    fraction of requests whose connection is cut after the headers
//   down         refuse connections (the listening socket is closed) for N seconds; a request
//                on a connection kept alive from before is cut, as a crashed host resets it
//   hostile      answer every request with a malformed answer of one kind (sim/hostile.h); the
//                health endpoints are spared unless hostile_health is set
//
// GET /__hxsim/connections counts the client connections that carried API requests and the
// requests they carried (admin requests are not counted): the measure of a client's connection
// reuse. A connection is known by its client address and port; the kernel does not hand a port
// out again while it is in TIME_WAIT (60 s on Linux), so within a test or a benchmark run each
// connection is counted once.
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hxsim {

using Json = nlohmann::json;

class ExchangeLog;

struct Faults {
  int latencyMs = 0;
  double errorRate = 0;
  double dropRate = 0;
};

struct HostOptions {
  std::string personality;  // "qdrant"
  std::string address = "127.0.0.1";
  int port = 0;
  std::string apiKey;
  std::string readOnlyKey;
  bool jwtRbac = false;  // Qdrant's service.jwt_rbac: JWTs signed with the api key are accepted
  bool cors = true;      // Qdrant's service.enable_cors (default true)
  Faults faults;
  int downForSeconds = 0;  // start down, come up after this long (0: up at once)
  unsigned seed = 1;
  // LLM personalities.
  std::vector<std::string>
      models;  // installed (Ollama) or served (vLLM, llama-server): NAME[=DIMS]
  std::vector<std::string> registry;  // Ollama: what pulls can fetch
  std::string version;                // Ollama: /api/version
  int pullStallSeconds = 0;
  int pullErrorAfter = -1;
  int pullTickMs = 20;
  int loadingSeconds = 0;                      // llama-server: 503 "Loading model" phase
  std::vector<std::string> thinking;           // Ollama: models with the thinking capability
  std::vector<std::string> reasoning;          // vLLM: models served with a reasoning parser
  int loadMs = 0;                              // Ollama: cold-load time of a model
  bool metrics = false;                        // llama-server: --metrics
  std::string upstream, upstreamKey, keyFile;  // gateway
  int rateLimit = 0;                           // gateway: requests per second
  std::string title;                           // web
  std::string hostile;                         // a kind of sim/hostile.h, or ""
  bool hostileHealth = false;                  // the hostile knob reaches the health endpoints too
};

class Personality {
 public:
  virtual ~Personality() = default;
  virtual void install(httplib::Server& server) = 0;
  // Paths exempt from faults and auth (health endpoints).
  virtual bool isHealthPath(const std::string& path) const = 0;
  // A 500 in this server's own error shape.
  virtual void internalError(httplib::Response& res) const = 0;
  // Auth check before routing; returns false after filling `res` when refused.
  virtual bool authorize(const httplib::Request& req, httplib::Response& res) = 0;
  // True when the answer to `req` is streamed (its body is not known when the handler returns).
  virtual bool streams(const httplib::Request&) const { return false; }
  // A handler threw. By default this server's 500; a personality whose real server rejects such
  // a request (a body of the wrong shape: a type error) answers as that server does.
  virtual void handlerThrew(const std::exception&, httplib::Response& res) const {
    internalError(res);
  }
};

class SimHost {
 public:
  SimHost(HostOptions options, std::unique_ptr<Personality> personality, ExchangeLog* log);
  ~SimHost();
  void start();
  void stop();
  void goDown(int seconds);  // 0: until told otherwise
  void comeUp();
  const HostOptions& options() const { return options_; }

 private:
  void installAdmin();
  bool injectFaults(const httplib::Request& req, httplib::Response& res);
  // Replaces the answer in `res` with a hostile one, when the knob is on for this path.
  void spoil(const httplib::Request& req, httplib::Response& res, bool streamed);
  bool hostileFor(const std::string& path, std::string* kind);
  void listenLoop();
  void countConnection(const httplib::Request& req);

  HostOptions options_;
  std::unique_ptr<Personality> personality_;
  ExchangeLog* log_;
  httplib::Server server_;
  std::thread thread_;
  std::thread downTimer_;
  std::atomic<bool> running_{false};
  std::atomic<bool> down_{false};
  std::atomic<int> listenFd_{-1};  // the bound socket, to raise its backlog
  std::mutex mu_;                  // guards faults_, hostile_, hostileHealth_ and rng_
  Faults faults_;
  std::string hostile_;
  bool hostileHealth_ = false;
  std::mt19937 rng_;
  std::mutex connMu_;  // guards peers_ and requests_
  std::set<std::string> peers_;
  long requests_ = 0;
};

}  // namespace hxsim
