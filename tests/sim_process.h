// Starts hx-sim as a child process on free loopback ports, waits until every host answers, and
// stops it (SIGTERM) when it goes out of scope.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/platform/http.h"
#include "test_binaries.h"

extern char** environ;

namespace hx::test {

inline int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A fresh exchange-log path under the build's exchange directory, which the OpenAPI
// conformance test reads once every simulator test has run.
inline std::string freshExchangeLog(const std::string& name) {
  std::filesystem::create_directories(HX_EXCHANGE_DIR);
  std::string path = std::string(HX_EXCHANGE_DIR) + "/" + name + ".jsonl";
  std::filesystem::remove(path);
  return path;
}

// Every exchange hx-sim logged so far, in order.
inline std::vector<nlohmann::json> readExchanges(const std::string& log) {
  std::vector<nlohmann::json> out;
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object()) out.push_back(std::move(e));
  }
  return out;
}

// How many logged exchanges satisfy `match`.
inline int countExchanges(const std::string& log,
                          const std::function<bool(const nlohmann::json&)>& match) {
  int n = 0;
  for (const nlohmann::json& e : readExchanges(log)) n += match(e) ? 1 : 0;
  return n;
}

class SimProcess {
 public:
  // `hostArgs`: one entry per host, e.g. {"--qdrant", "{PORT}", "--api-key", "k"}; {PORT} is
  // replaced by a free port, reported by port(i). An empty `exchangeLog` logs nothing.
  SimProcess(const std::vector<std::vector<std::string>>& hostArgs,
             const std::string& exchangeLog) {
    const std::string binary = simBinary();
    std::vector<std::string> args = {binary};
    if (!exchangeLog.empty()) args.insert(args.end(), {"--exchange-log", exchangeLog});
    std::vector<bool> startsUp;
    for (const auto& host : hostArgs) {
      ports_.push_back(freePort());
      startsUp.push_back(std::find(host.begin(), host.end(), "--up-after") == host.end() &&
                         std::find(host.begin(), host.end(), "--down-for") == host.end());
      for (auto a : host) {
        if (a == "{PORT}") a = "127.0.0.1:" + std::to_string(ports_.back());
        args.push_back(a);
      }
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ);
    // Ready when each host that starts up answers anything over HTTP (hosts told to start down
    // are left alone: the test wants them down).
    CurlTransport http(true);
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (!startsUp[i]) continue;
      for (int attempt = 0; attempt < 200; ++attempt) {
        HttpRequest req;
        req.url = urlOf(ports_[i]) + "/__hxsim/faults";
        req.timeoutMs = 200;
        if (http.send(req)) break;
        usleep(20000);
      }
    }
  }
  ~SimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  int port(size_t i) const { return ports_.at(i); }
  static std::string urlOf(int port) { return "http://127.0.0.1:" + std::to_string(port); }
  std::string url(size_t i) const { return urlOf(ports_.at(i)); }

  // POST to the admin path of host i.
  void admin(size_t i, const std::string& path, const std::string& body) {
    CurlTransport http(true);
    HttpRequest req;
    req.method = "POST";
    req.url = url(i) + "/__hxsim/" + path;
    req.body = body;
    req.headers.emplace_back("Content-Type", "application/json");
    (void)http.send(req);
  }

  // Host i's count of client connections that carried API requests, and of those requests
  // (GET /__hxsim/connections): {"connections": N, "requests": M}.
  nlohmann::json connections(size_t i) const {
    CurlTransport http(true);
    HttpRequest req;
    req.url = url(i) + "/__hxsim/connections";
    auto r = http.send(req);
    if (!r || r.value().status != 200) return nlohmann::json::object();
    return nlohmann::json::parse(r.value().body, nullptr, false);
  }

  // Whether Qdrant host i has collection `name` (GET /collections/NAME answers 200).
  bool collectionExists(size_t i, const std::string& name, const std::string& apiKey) const {
    CurlTransport http(true);
    HttpRequest req;
    req.url = url(i) + "/collections/" + name;
    req.headers.emplace_back("api-key", apiKey);
    auto r = http.send(req);
    return r && r.value().status == 200;
  }

 private:
  pid_t pid_ = -1;
  std::vector<int> ports_;
};

}  // namespace hx::test
