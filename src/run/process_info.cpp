#include "src/run/process_info.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "src/platform/atomic_file.h"
#include "src/platform/terminal_text.h"
#include "src/run/daemon_publication.h"

namespace hx {

RunInfo currentProcess(const std::string& command) {
  RunInfo info;
  info.command = command;
  info.pid = static_cast<int>(getpid());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  info.hostname = host;
  // Who ran it is the process's real uid, by its name in the password database: $USER is only
  // what the environment claims (anyone can set it), so it is recorded beside the real name
  // when it differs, never instead of it.
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name && *pw->pw_name)
    info.user = pw->pw_name;
  else
    info.user = "uid " + std::to_string(getuid());
  if (const char* claimed = std::getenv("USER"); claimed && *claimed && info.user != claimed)
    info.user += " ($USER=" + printableText(std::string(claimed).substr(0, 64), false) + ")";
  return info;
}

namespace {
// A process that exists and is not a zombie (a killed holder whose parent never reaped it).
bool processRunning(int pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return true;
  char state = line[close + 2];
  return state != 'Z' && state != 'X';
}
}  // namespace

bool holderAlive(const LockInfo& lock, int64_t nowSeconds, int64_t staleAfterSeconds) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  if (lock.hostname == host) return processRunning(lock.pid);
  if (nowSeconds > 0 && nowSeconds - lock.heartbeatAt > staleAfterSeconds) return false;
  return true;
}

std::optional<std::string> notThisStoresDaemon(const LockInfo& lock, const std::string& statePath) {
  namespace fs = std::filesystem;
  const fs::path proc = fs::path("/proc") / std::to_string(lock.pid);
  std::error_code ec;
  const fs::path exe = fs::read_symlink(proc / "exe", ec);
  if (ec) return "cannot read " + (proc / "exe").string() + ": " + ec.message();
  if (exe.filename().string().rfind("hxctl", 0) != 0)
    return "pid " + std::to_string(lock.pid) + " runs " + exe.string() + ", not hxctl";
  std::string cmdline;
  {
    std::ifstream in(proc / "cmdline", std::ios::binary);
    cmdline.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bool daemonWord = false;
  for (size_t at = 0; at < cmdline.size();) {
    const size_t end = cmdline.find('\0', at);
    daemonWord = daemonWord || cmdline.substr(at, end - at) == "daemon";
    at = end == std::string::npos ? cmdline.size() : end + 1;
  }
  if (!daemonWord) return "pid " + std::to_string(lock.pid) + " is hxctl but not its daemon";
  // Its start, from /proc/PID/stat field 22 (clock ticks since boot), against the lock's.
  std::ifstream stat(proc / "stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(line.substr(close + 2));
    std::string field;
    unsigned long long ticks = 0;
    for (int i = 3; i <= 22 && fields >> field; ++i)
      if (i == 22) ticks = std::stoull(field);
    std::ifstream uptimeFile("/proc/uptime");
    double uptime = 0;
    uptimeFile >> uptime;
    const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
    const int64_t startedAt =
        static_cast<int64_t>(std::time(nullptr) - uptime + static_cast<double>(ticks) / hz);
    if (lock.startedAt > 0 && startedAt > lock.startedAt + 5)
      return "pid " + std::to_string(lock.pid) + " started after the lock was taken: it is not " +
             "the process that took it";
  }
  // It published this very lock itself, where only its user can write (both kinds of store).
  if (auto why = notPublishedBy(lock.pid, lock.lockId)) return why;
  if (!Store::isUrl(statePath)) {
    const fs::path store = fs::weakly_canonical(statePath, ec);
    bool holds = false;
    for (const auto& fd : fs::directory_iterator(proc / "fd", ec)) {
      std::error_code linkError;
      if (fs::read_symlink(fd.path(), linkError) == store) holds = true;
    }
    if (!holds)
      return "pid " + std::to_string(lock.pid) + " does not have " + statePath +
             " open: it is not this store's daemon";
  }
  return std::nullopt;
}

Result<std::unique_ptr<Store>> openStore(RunEnv& env, const std::string& path) {
  if (Store::isUrl(path)) {  // a shared store: no file, no directory, no permissions to set
    auto store = Store::open(path, env.clock);
    if (!store) env.report().message(Severity::kError, store.status().message());
    return store;
  }
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    if (Status made = createPrivateDirectories(parent.string()); !made) {
      env.report().message(Severity::kError, made.message());
      return made;
    }
  const bool existed = std::filesystem::exists(path, ec);
  auto store = Store::open(path, env.clock);
  if (!store) {
    env.report().message(Severity::kError, store.status().message());
  } else if (!existed) {
    // Nobody but its owner needs to read which keys exist and who changed what.
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  }
  return store;
}

Result<std::unique_ptr<Store>> openStoreReadOnly(RunEnv& env, const std::string& path,
                                                 bool* missing) {
  auto store = Store::openReadOnly(path, env.clock, missing);
  if (!store) env.report().message(Severity::kError, store.status().message());
  return store;
}

RunOutcome reportError(RunEnv& env, const Status& status) {
  env.report().message(Severity::kError, status.message());
  return RunOutcome::kError;
}

}  // namespace hx
