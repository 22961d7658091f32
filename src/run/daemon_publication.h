// A daemon says, where only its user (or root) can write, which store lock it holds: a file
// daemon-PID.lock holding the lock's id, in a private runtime directory. `reconcile --now` signals
// the pid the store's lock row names only when that pid's file holds the row's lock id, so a row
// forged by whoever can write the store (a shared PostgreSQL one, say) cannot aim the signal at
// any other process: the process must have published that very lock itself.
//
// The directory: $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=hxctl), else /run/hxctl for root,
// else $XDG_RUNTIME_DIR/hxctl, else /tmp/hxctl-UID. The reader looks in each of them, since it
// may run with another environment than the daemon (sudo, ssh).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconciler/status.h"

namespace hx {

class DaemonPublication {
 public:
  // Writes daemon-PID.lock for this process; an error when no directory is usable (the daemon
  // then runs, and reconcile --now refuses it with the reason).
  static Result<DaemonPublication> publish(const std::string& lockId);
  DaemonPublication(DaemonPublication&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  DaemonPublication(const DaemonPublication&) = delete;
  ~DaemonPublication();  // removes the file
  const std::string& path() const { return path_; }

 private:
  explicit DaemonPublication(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Why `pid` is not the publisher of `lockId` (nullopt when it is).
std::optional<std::string> notPublishedBy(int pid, const std::string& lockId);

// The directories looked in, in order (those that apply to this process's environment).
std::vector<std::string> publicationDirectories();

}  // namespace hx
