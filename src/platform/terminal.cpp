#include "src/platform/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace hx {

size_t terminalColumns(int fd) {
  if (isatty(fd) != 1) return 0;
  if (const char* c = std::getenv("COLUMNS"); c && *c) {
    long n = std::strtol(c, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  struct winsize ws {};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;  // a terminal that does not say: the classic width
}

}  // namespace hx
