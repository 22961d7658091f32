// The store writes of one run, none of them thrown away: as leveldb keeps its background error,
// the first failure sticks, each is reported once as it happens, and the run then ends
// `partial` with a non-zero exit, so that a run which recorded nothing cannot exit 0.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "reconciler/status.h"

namespace hx {

class StoreWrites {
 public:
  // `report` prints one line (stderr for apply, the log for the daemon).
  explicit StoreWrites(std::function<void(const std::string&)> report)
      : report_(std::move(report)) {}

  // Keeps `s` when it failed; `what` says which record was lost ("the key audit of admin-key").
  // Returns whether it succeeded. Safe from the executor's workers.
  bool keep(const Status& s, const std::string& what) {
    if (s) return true;
    std::lock_guard<std::mutex> lock(mu_);
    if (lost_++ == 0) first_ = s.withContext(what);
    report_("could not record " + what + " in the state store: " + s.message());
    return false;
  }

  int lost() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lost_;
  }
  // "; 2 store writes lost (first: the key audit of k: state store: the disk is full (...))"
  std::string summary() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (lost_ == 0) return "";
    return "; " + std::to_string(lost_) + " store write" + (lost_ == 1 ? "" : "s") +
           " lost (first: " + first_.message() + ")";
  }

 private:
  std::function<void(const std::string&)> report_;
  mutable std::mutex mu_;
  int lost_ = 0;
  Status first_;
};

}  // namespace hx
