// hxctl state migrate --to URL: the store this estate uses, copied into a PostgreSQL database
// that several daemons can share (issue 21). The source is locked for the copy, so no apply or
// daemon writes half-way through it; the file itself is left as it was.
#include <filesystem>

#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/run/lock_session.h"
#include "src/run/process_info.h"

namespace hx {

int cmdStateMigrate(CliEnv& env, const CommonOptions& common, const std::string& to) {
  if (!Store::isUrl(to)) {
    env.err << "error: --to " << Store::shown(to)
            << ": expected a PostgreSQL store, postgres://USER@HOST[:PORT]/DATABASE (the password "
               "in PGPASSWORD or PGPASSFILE)\n";
    return exit_code::kError;
  }
  if (to == common.statePath) {
    env.err << "error: --to names the store being copied\n";
    return exit_code::kError;
  }
  if (!Store::isUrl(common.statePath) && !std::filesystem::exists(common.statePath)) {
    env.err << "error: no store at " << Store::shown(common.statePath) << " to copy\n";
    return exit_code::kError;
  }
  auto source = openStore(env, common.statePath);
  if (!source) return exit_code::kError;
  RunInfo who = currentProcess("state migrate");
  auto lock = takeLock(env.clock, *source.value(), who, 0);
  if (!lock) return exitCodeOf(lockRefused(env, *source.value(), lock.status()));
  auto target = openStore(env, to);
  Result<std::vector<std::pair<std::string, int64_t>>> copied =
      target ? source.value()->copyTo(*target.value())
             : Result<std::vector<std::pair<std::string, int64_t>>>(target.status());
  Status released = source.value()->releaseLock(lock.value().lockId);
  if (!copied) {
    if (target) env.err << "error: " << copied.status().message() << "\n";
    env.err << "Nothing was copied; " << Store::shown(common.statePath) << " is unchanged.\n";
    return exit_code::kError;
  }
  if (!released) env.err << "warning: " << released.message() << "\n";
  env.out << "Copied " << Store::shown(common.statePath) << " into " << Store::shown(to) << ":\n";
  for (const auto& [table, rows] : copied.value())
    if (rows > 0) env.out << "  " << table << ": " << rows << "\n";
  env.out << "Point this estate at it (state: in its hxctl.yaml, or --state); "
          << Store::shown(common.statePath) << " is left as it was.\n";
  return exit_code::kOk;
}

}  // namespace hx
