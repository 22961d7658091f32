// sd_notify(3) for Type=notify services: READY, STATUS lines, STOPPING and WATCHDOG pings.
// Every call is a no-op when not started by systemd (NOTIFY_SOCKET unset).
#pragma once

#include <cstdint>
#include <string>

namespace hx {

void notifySystemd(const std::string& state);
// The watchdog interval systemd expects pings within, in ms; 0 when WatchdogSec= is not set.
int64_t systemdWatchdogMs();

}  // namespace hx
