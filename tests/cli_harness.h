// Runs whole hxctl-fake processes against a temporary estate: specs, a file-backed fake world
// and a state store of their own, removed afterwards.
#pragma once

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "fakes/fake_world.h"
#include "src/platform/real_clock.h"

extern char** environ;

namespace hx::test {

struct Run {
  int code = -1;
  std::string out, err;
  long peakRssKb = 0;  // runMeasured only: the process's peak resident memory
};

// One spec document; `spec` is the indented body under `spec:`.
inline std::string specDoc(const std::string& kind, const std::string& name,
                           const std::string& spec) {
  return "---\napiVersion: hx/v1\nkind: " + kind + "\nmetadata: {name: \"" + name + "\"}\nspec:\n" +
         spec;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The tasks of `hxctl status -o json` output by id (empty when it is not that JSON).
inline std::map<std::string, Json> tasksById(const Run& statusRun) {
  std::map<std::string, Json> out;
  Json j = Json::parse(statusRun.out, nullptr, false);
  if (!j.is_object() || !j.contains("tasks") || !j["tasks"].is_array()) return out;
  for (const auto& t : j["tasks"]) out[t.value("id", "")] = t;
  return out;
}

// Polls `condition` every 50 ms for up to `seconds` of wall-clock time (a condition that runs
// hxctl takes a while itself: the deadline is time, not a number of tries).
template <typename F>
bool eventually(F condition, int seconds = 30) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    usleep(50000);
  }
  return condition();
}

class CliHarness {
 public:
  // `binary`: hxctl-fake (fake providers, the default) or the real hxctl.
  explicit CliHarness(const std::string& name, std::string binary = HX_FAKE_BIN)
      : binary_(std::move(binary)) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("hxctl-cli-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "specs");
    world_ = std::make_unique<fake::FakeWorld>(clock_, (dir_ / "world.json").string());
  }
  ~CliHarness() { std::filesystem::remove_all(dir_); }

  void writeSpec(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / "specs" / file) << text;
  }
  void removeSpec(const std::string& file) { std::filesystem::remove(dir_ / "specs" / file); }
  fake::FakeWorld& world() { return *world_; }
  std::filesystem::path dir() const { return dir_; }
  std::string statePath() const { return (dir_ / "state.db").string(); }

  std::string command(const std::string& args, const std::string& env = "") const {
    return "cd " + dir_.string() +
           " && exec env HXCTL_FAKE_WORLD=world.json HXCTL_STATE=state.db HXCTL_LOOPBACK_ONLY=1 " +
           env + " " + binary_ + " " + args;
  }
  // As command(), from `subdir` of the estate's directory and with no HXCTL_STATE: the store is
  // whatever hxctl finds there (an hxctl.yaml, or its defaults).
  std::string commandIn(const std::string& subdir, const std::string& args,
                        const std::string& env = "") const {
    return "cd " + (dir_ / subdir).string() +
           " && exec env HXCTL_FAKE_WORLD=" + (dir_ / "world.json").string() +
           " HXCTL_LOOPBACK_ONLY=1 " + env + " " + binary_ + " " + args;
  }

  Run run(const std::string& args, const std::string& env = "") const {
    return runCommand(command(args, env));
  }
  Run runIn(const std::string& subdir, const std::string& args, const std::string& env = "") const {
    return runCommand(commandIn(subdir, args, env));
  }

  Run runCommand(const std::string& command) const {
    static int n = 0;
    std::string out = (dir_ / ("out" + std::to_string(++n))).string();
    std::string err = out + ".err";
    int status = std::system((command + " > " + out + " 2> " + err).c_str());
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  // As run(), killed after `seconds` of CPU, and with the peak resident memory of the process
  // (wait4's rusage: `sh -c` execs env, which execs hxctl, so the child is hxctl itself).
  Run runMeasured(const std::string& args, int seconds, const std::string& env = "") const {
    static int n = 0;
    std::string out = (dir_ / ("mout" + std::to_string(++n))).string();
    // A CPU-time limit: a process looping in a parser burns CPU and is killed by it. A memory
    // limit too, so that a regression fails the test instead of exhausting the machine.
#if defined(__SANITIZE_ADDRESS__)
    std::string limits = "ulimit -t " + std::to_string(seconds) + " && ";
    std::string memEnv = " ASAN_OPTIONS=${ASAN_OPTIONS:-}:hard_rss_limit_mb=3072";
#else
    std::string limits = "ulimit -t " + std::to_string(seconds) + " && ulimit -v 3145728 && ";
    std::string memEnv;
#endif
    std::string cmd = limits + command(args, env + memEnv) + " > " + out + " 2> " + out + ".err";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    pid_t pid = 0;
    Run r;
    if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
      return r;
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peakRssKb = usage.ru_maxrss;
    r.out = slurp(out);
    r.err = slurp(out + ".err");
    return r;
  }

  // Starts hxctl in the background; returns its pid.
  int start(const std::string& args, const std::string& env = "") const {
    return startCommand(command(args, env));
  }
  int startCommand(const std::string& command) const {
    std::string pidFile = (dir_ / "bg.pid").string();
    std::string cmd = "(" + command + " > " + (dir_ / "bg.out").string() + " 2> " +
                      (dir_ / "bg.err").string() + " & echo $! > " + pidFile + ")";
    if (std::system(cmd.c_str()) != 0) return -1;
    return std::stoi(slurp(pidFile));
  }

  // Waits (up to 20 s) until the fake world has recorded `call`.
  bool waitForCall(const std::string& call) {
    for (int i = 0; i < 400; ++i) {
      for (const auto& c : world_->calls())
        if (c == call) return true;
      usleep(50000);
    }
    return false;
  }

 private:
  RealClock clock_;
  std::string binary_;
  std::filesystem::path dir_;
  std::unique_ptr<fake::FakeWorld> world_;
};

}  // namespace hx::test
