// Who is running hxctl, whether a lock's holder is alive, and opening the store with errors
// reported the same way by every command.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "src/run/run_env.h"
#include "src/run/run_outcome.h"
#include "state/store.h"

namespace hx {

RunInfo currentProcess(const std::string& command);
// True unless the holder ran on this machine and its process is gone. A holder on another
// machine is assumed alive unless its heartbeat is older than staleAfterSeconds.
bool holderAlive(const LockInfo& lock, int64_t nowSeconds = 0, int64_t staleAfterSeconds = 120);

// Before a signal goes to the pid a lock row names (anyone who can write the row could name any
// process): that the process is an hxctl daemon of this very store, as /proc shows it. It runs
// an hxctl binary with "daemon" on its command line, it started no later than the lock was taken
// (a pid the kernel reused since is another process), and, for a store file, it holds that file
// open. nullopt when it is; else why not.
std::optional<std::string> notThisStoresDaemon(const LockInfo& lock, const std::string& statePath);

// For writing: creates the file (0600, and its directory) if needed, and migrates it.
Result<std::unique_ptr<Store>> openStore(RunEnv& env, const std::string& path);
// For reading: never creates or writes (Store::openReadOnly); *missing says there was no file.
Result<std::unique_ptr<Store>> openStoreReadOnly(RunEnv& env, const std::string& path,
                                                 bool* missing = nullptr);
// Prints the error; returns kError.
RunOutcome reportError(RunEnv& env, const Status& status);

}  // namespace hx
