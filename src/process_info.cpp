#include "src/process_info.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "src/exit_codes.h"

namespace hx {

RunInfo currentProcess(const std::string& command) {
  RunInfo info;
  info.command = command;
  info.pid = static_cast<int>(getpid());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  info.hostname = host;
  if (const char* user = std::getenv("USER"); user && *user) info.user = user;
  else if (const passwd* pw = getpwuid(getuid())) info.user = pw->pw_name;
  else info.user = "uid" + std::to_string(getuid());
  return info;
}

bool holderAlive(const LockInfo& lock, int64_t nowSeconds, int64_t staleAfterSeconds) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  if (lock.hostname == host) return kill(lock.pid, 0) == 0 || errno != ESRCH;
  if (nowSeconds > 0 && nowSeconds - lock.heartbeatAt > staleAfterSeconds) return false;
  return true;
}

Result<std::unique_ptr<Store>> openStore(CliEnv& env, const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto store = Store::open(path, env.clock);
  if (!store) env.err << "error: " << store.status().message() << "\n";
  return store;
}

int reportError(CliEnv& env, const Status& status) {
  env.err << "error: " << status.message() << "\n";
  return exit_code::kError;
}

}  // namespace hx
