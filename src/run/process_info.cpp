#include "src/run/process_info.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "src/platform/atomic_file.h"

namespace hx {

RunInfo currentProcess(const std::string& command) {
  RunInfo info;
  info.command = command;
  info.pid = static_cast<int>(getpid());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  info.hostname = host;
  if (const char* user = std::getenv("USER"); user && *user)
    info.user = user;
  else if (const passwd* pw = getpwuid(getuid()))
    info.user = pw->pw_name;
  else
    info.user = "uid" + std::to_string(getuid());
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

Result<std::unique_ptr<Store>> openStore(RunEnv& env, const std::string& path) {
  if (Store::isUrl(path)) {  // a shared store: no file, no directory, no permissions to set
    auto store = Store::open(path, env.clock);
    if (!store) env.err << "error: " << store.status().message() << "\n";
    return store;
  }
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    if (Status made = createPrivateDirectories(parent.string()); !made) {
      env.err << "error: " << made.message() << "\n";
      return made;
    }
  const bool existed = std::filesystem::exists(path, ec);
  auto store = Store::open(path, env.clock);
  if (!store) {
    env.err << "error: " << store.status().message() << "\n";
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
  if (!store) env.err << "error: " << store.status().message() << "\n";
  return store;
}

RunOutcome reportError(RunEnv& env, const Status& status) {
  env.err << "error: " << status.message() << "\n";
  return RunOutcome::kError;
}

}  // namespace hx
