// Runs a program with arguments (never through a shell, so no word is ever re-split or
// expanded) and collects what it printed. Behind an interface so tests can count or fake calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reconciler/status.h"

namespace hx {

struct CommandResult {
  int exitCode = 0;
  std::string out;
  std::string err;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // An error only when the program could not be run or timed out; a non-zero exit is a result.
  virtual Result<CommandResult> run(const std::vector<std::string>& argv, int64_t timeoutMs) = 0;
};

// posix_spawnp with both output streams captured; the child is killed at the timeout. The child
// gets a minimal environment (PATH, HOME, user, locale, TZ, TMPDIR, SSH_AUTH_SOCK), none of
// the secrets hxctl's own may hold.
class SpawnRunner : public CommandRunner {
 public:
  Result<CommandResult> run(const std::vector<std::string>& argv, int64_t timeoutMs) override;
};

// After `path` was written: runs its reload command (empty: nothing to run), so the service that
// reads the file takes it up; a failure says the file was written and how the command ended.
Status reloadAfterWrite(CommandRunner& commands, const std::vector<std::string>& argv,
                        const std::string& path);

// "ip netns exec fw ufw allow ..." with words that need it quoted, for messages and plans.
std::string formatCommand(const std::vector<std::string>& argv);

}  // namespace hx
