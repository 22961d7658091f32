// Runs `hxctl daemon` as a child of the test (so its exit status can be read), in a
// CliHarness's directory with its own store, logging to a file the test can read.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "cli_harness.h"
#include "src/platform/http.h"

extern char** environ;

namespace hx::test {

inline std::optional<HttpResponse> httpGet(const std::string& url) {
  CurlTransport http(true);
  HttpRequest req;
  req.url = url;
  req.timeoutMs = 2000;
  auto r = http.send(req);
  if (!r) return std::nullopt;
  return r.value();
}

// One scrape of the daemon's /metrics on loopback `port`; empty if it did not answer 200.
inline std::string metricsOf(int port) {
  auto r = httpGet("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  return r && r->status == 200 ? r->body : "";
}

class DaemonProcess {
 public:
  DaemonProcess(const CliHarness& h, const std::string& args, const std::string& env = "")
      : logPath_((h.dir() / ("daemon-" + std::to_string(++counter()) + ".log")).string()) {
    std::string cmd = h.command("daemon " + args, env) + " > " + logPath_ + ".out 2> " + logPath_;
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ);
  }
  ~DaemonProcess() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  pid_t pid() const { return pid_; }
  std::string log() const { return slurp(logPath_); }
  const std::string& logPath() const { return logPath_; }

  // Waits up to `seconds` for `text` to appear in the log.
  // Gives up early if the daemon exits.
  bool waitLog(const std::string& text, int seconds = 30) {
    for (int i = 0; i < seconds * 20; ++i) {
      if (log().find(text) != std::string::npos) return true;
      if (reaped()) return log().find(text) != std::string::npos;
      usleep(50000);
    }
    return false;
  }
  void signal(int sig) const { kill(pid_, sig); }
  // The daemon's peak resident memory so far (VmHWM), in KiB; 0 once it is gone.
  long peakRssKb() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
  }
  // The exit code (128 + signal when killed), or nullopt if still running after `seconds`.
  std::optional<int> waitExit(int seconds) {
    for (int i = 0; i <= seconds * 20; ++i) {
      if (reaped()) return exitCode_;
      if (i < seconds * 20) usleep(50000);
    }
    return std::nullopt;
  }

 private:
  bool reaped() {
    if (exited_) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exited_ = true;
    exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string logPath_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exitCode_ = -1;
};

}  // namespace hx::test
