#include "src/platform/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace hx {

std::string formatCommand(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    bool plain = !a.empty() && a.find_first_not_of(
                                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                                   "VWXYZ0123456789@%+=:,./-_") == std::string::npos;
    if (plain) {
      s += a;
      continue;
    }
    s += '\'';
    for (char c : a) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
    s += '\'';
  }
  return s;
}

namespace {

// What a child (ufw, ip, ssh) is given of hxctl's environment: where to find programs, who and
// where it runs, the locale its output is read in, and ssh's agent. Nothing else: hxctl's
// environment holds the operators' secrets ({env: NAME} references, HXCTL_* settings), and a
// child, or a host it talks to over ssh (SendEnv), has no business with them.
constexpr const char* kPassedToChildren[] = {"PATH", "HOME",   "USER",         "LOGNAME",
                                             "LANG", "LC_ALL", "LC_CTYPE",     "LC_MESSAGES",
                                             "TZ",   "TMPDIR", "SSH_AUTH_SOCK"};
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::vector<std::string> childEnvironment() {
  std::vector<std::string> env;
  for (const char* name : kPassedToChildren)
    if (const char* value = std::getenv(name))
      env.push_back(std::string(name) + "=" + value);
    else if (std::strcmp(name, "PATH") == 0)
      env.push_back(std::string("PATH=") + kDefaultPath);
  return env;
}

}  // namespace

Result<CommandResult> SpawnRunner::run(const std::vector<std::string>& argv, int64_t timeoutMs) {
  if (argv.empty()) return Status::error(ErrorKind::kTerminal, "empty command");
  int outPipe[2], errPipe[2];
  if (pipe2(outPipe, O_CLOEXEC) != 0) return Status::error(ErrorKind::kInternal, "pipe failed");
  if (pipe2(errPipe, O_CLOEXEC) != 0) {
    close(outPipe[0]);
    close(outPipe[1]);
    return Status::error(ErrorKind::kInternal, "pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::vector<std::string> envText = childEnvironment();
  std::vector<char*> envp;
  for (const auto& e : envText) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  // posix_spawnp searches the PATH of hxctl's own environment, the one given to the child.
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(outPipe[1]);
  close(errPipe[1]);
  if (rc != 0) {
    close(outPipe[0]);
    close(errPipe[0]);
    return Status::error(ErrorKind::kUnavailable,
                         "cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  CommandResult result;
  pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  bool timedOut = false;
  while (open > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left)) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  if (timedOut) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut)
    return Status::error(ErrorKind::kTransient, formatCommand(argv) + ": timed out after " +
                                                    std::to_string(timeoutMs) + " ms");
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  spdlog::debug("ran {} -> exit {}", formatCommand(argv), result.exitCode);
  return result;
}

Status reloadAfterWrite(CommandRunner& commands, const std::vector<std::string>& argv,
                        const std::string& path) {
  if (argv.empty()) return Status::ok();
  auto r = commands.run(argv, 60000);
  if (!r) return r.status();
  if (r.value().exitCode != 0)
    return Status::error(ErrorKind::kTerminal, path + " was written, but its reload command " +
                                                   formatCommand(argv) + " exited " +
                                                   std::to_string(r.value().exitCode));
  return Status::ok();
}

}  // namespace hx
