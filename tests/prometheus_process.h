// Debian's real Prometheus (and the blackbox exporter) as child processes of a test, and
// Grafana's API as the tests drive it.
// Debian's real Prometheus as a child process of a test, on a free loopback port, scraping
// every second; stopped with the test. `configBody` is the part of prometheus.yml after
// `global` (scrape_configs, rule_files); the lifecycle API is on, so a test can reload it.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_harness.h"
#include "sim_process.h"
#include "src/platform/http.h"

namespace hx::test {

class PrometheusProcess {
 public:
  PrometheusProcess(const std::filesystem::path& dir, const std::string& scrapeConfigs,
                    const std::string& configName = "prometheus.yml", bool writeConfig = true)
      : port_(freePort()), config_(dir / configName) {
    if (writeConfig) {
      std::ofstream(config_) << "global: {scrape_interval: 1s, scrape_timeout: 900ms, "
                                "evaluation_interval: 1s}\nscrape_configs:\n"
                             << scrapeConfigs;
    }
    std::vector<std::string> args = {"/usr/bin/prometheus",
                                     "--config.file=" + config_.string(),
                                     "--storage.tsdb.path=" + (dir / "tsdb").string(),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--web.enable-lifecycle",
                                     "--log.level=error"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    ready_ = eventually([&] { return get("/-/ready") == 200; }, 30);
  }
  ~PrometheusProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  bool ready() const { return ready_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& config() const { return config_; }
  int get(const std::string& path) const {
    CurlTransport http(true);
    HttpRequest req;
    req.url = url() + path;
    req.timeoutMs = 500;
    auto r = http.send(req);
    return r ? r.value().status : 0;
  }

 private:
  int port_;
  std::filesystem::path config_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace hx::test

namespace hx::test {

// Debian's prometheus-blackbox-exporter with one module, http_2xx, on a free loopback port: how
// the estate's Prometheus probes hosts that serve no /metrics (Ollama).
class BlackboxExporter {
 public:
  explicit BlackboxExporter(const std::filesystem::path& dir) : port_(freePort()) {
    std::ofstream(dir / "blackbox.yml") << "modules:\n  http_2xx: {prober: http, timeout: 2s, "
                                           "http: {preferred_ip_protocol: ip4}}\n";
    std::vector<std::string> args = {"/usr/bin/prometheus-blackbox-exporter",
                                     "--config.file=" + (dir / "blackbox.yml").string(),
                                     "--web.listen-address=" + address(), "--log.level=error"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    ready_ = eventually(
        [&] {
          CurlTransport http(true);
          HttpRequest req;
          req.url = "http://" + address() + "/metrics";
          req.timeoutMs = 500;
          auto r = http.send(req);
          return r && r.value().status == 200;
        },
        30);
  }
  ~BlackboxExporter() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  bool ready() const { return ready_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace hx::test

namespace hx::test {

// POST to Grafana's HTTP API as an operator (or Grafana's provisioning) would, with a service
// account token; the answer's status, and its body as JSON in `answer` when asked.
inline int grafanaPost(const std::string& base, const std::string& token, const std::string& path,
                       const Json& body, Json* answer = nullptr) {
  CurlTransport http(true);
  HttpRequest req;
  req.method = "POST";
  req.url = base + path;
  req.body = body.dump();
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
  req.timeoutMs = 5000;
  auto r = http.send(req);
  if (!r) return 0;
  if (answer) *answer = Json::parse(r.value().body, nullptr, false);
  return r.value().status;
}

}  // namespace hx::test
