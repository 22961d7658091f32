#include "src/daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

namespace hx {

void notifySystemd(const std::string& state) { sd_notify(0, state.c_str()); }

int64_t systemdWatchdogMs() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return 0;
  return static_cast<int64_t>(usec / 1000);
}

}  // namespace hx
