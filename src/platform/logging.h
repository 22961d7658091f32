// Where hxctl's log lines go and how they look. Always stderr:
//   text     "[2026-11-24T08:00:00.123] [info] message" on a terminal or in a file;
//            "<6>message" under systemd (JOURNAL_STREAM is set), so journald keeps the priority
//            and adds the one timestamp;
//   json     one object per line: {"ts":"...","level":"info","msg":"..."}.
// The level comes from HXCTL_LOG_LEVEL when set, else the caller's default.
#pragma once

#include <string>

namespace hx {

// Returns false (and changes nothing) for an unknown format.
bool configureLogging(const std::string& format, const std::string& defaultLevel);

}  // namespace hx
