// hxctl web-password USER: a line for the daemon's --web-auth file. The password is read from
// standard input (asked twice, unechoed, on a terminal), never from the command line, where
// ps and the shell's history would keep it.
#include <termios.h>
#include <unistd.h>

#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/web/basic_auth.h"

namespace hx {

namespace {

// One line from `in`; on a terminal with echo off for the time of it.
bool readSecretLine(CliEnv& env, const char* prompt, std::string& out) {
  termios saved{};
  const bool tty = env.inIsTty && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    env.err << prompt << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool got = env.in && static_cast<bool>(std::getline(*env.in, out));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    env.err << "\n";
  }
  return got;
}

}  // namespace

int cmdWebPassword(CliEnv& env, const std::string& user) {
  if (user.empty() || user.find(':') != std::string::npos ||
      user.find_first_of(" \t\r\n") != std::string::npos) {
    env.err << "error: the user name must be non-empty, without ':' or spaces\n";
    return exit_code::kError;
  }
  std::string password, again;
  if (!readSecretLine(env, "Password: ", password) || password.empty()) {
    env.err << "error: no password on standard input\n";
    return exit_code::kError;
  }
  if (env.inIsTty && (!readSecretLine(env, "Again: ", again) || again != password)) {
    env.err << "error: the passwords differ\n";
    return exit_code::kError;
  }
  if (password.size() < 12)
    env.err << "warning: a password of fewer than 12 characters is easy to guess\n";
  auto hash = web::BasicAuth::hash(password);
  if (!hash) {
    env.err << "error: " << hash.status().message() << "\n";
    return exit_code::kError;
  }
  env.out << user << ":" << hash.value() << "\n";
  return exit_code::kOk;
}

}  // namespace hx
