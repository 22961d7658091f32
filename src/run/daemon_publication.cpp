#include "src/run/daemon_publication.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "src/platform/atomic_file.h"

namespace hx {

namespace {

std::string fileFor(const std::string& dir, int pid) {
  return dir + "/daemon-" + std::to_string(pid) + ".lock";
}

// A directory only its owner may change, the owner being us or root: a file in it is what that
// owner put there.
bool trustedDirectory(const std::string& dir) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  if (st.st_uid != getuid() && st.st_uid != 0) return false;
  return (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

}  // namespace

std::vector<std::string> publicationDirectories() {
  std::vector<std::string> dirs;
  if (const char* d = std::getenv("RUNTIME_DIRECTORY"); d && *d) {
    std::string first = d;
    if (auto colon = first.find(':'); colon != std::string::npos) first.resize(colon);
    dirs.push_back(first);
  }
  if (getuid() == 0) dirs.push_back("/run/hxctl");
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x)
    dirs.push_back(std::string(x) + "/hxctl");
  dirs.push_back("/tmp/hxctl-" + std::to_string(getuid()));
  return dirs;
}

Result<DaemonPublication> DaemonPublication::publish(const std::string& lockId) {
  std::string why = "no runtime directory";
  for (const auto& dir : publicationDirectories()) {
    if (Status made = createPrivateDirectories(dir); !made) {
      why = made.message();
      continue;
    }
    if (!trustedDirectory(dir)) {
      why = dir + " may be written by others";
      continue;
    }
    const std::string path = fileFor(dir, static_cast<int>(getpid()));
    if (Status wrote = writeFileAtomically(path, lockId + "\n", 0600); !wrote) {
      why = wrote.message();
      continue;
    }
    return DaemonPublication(path);
  }
  return Status::error(ErrorKind::kUnavailable, "cannot publish the daemon's lock: " + why);
}

DaemonPublication::~DaemonPublication() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

std::optional<std::string> notPublishedBy(int pid, const std::string& lockId) {
  for (const auto& dir : publicationDirectories()) {
    if (!trustedDirectory(dir)) continue;
    std::ifstream in(fileFor(dir, pid));
    if (!in) continue;
    std::string published;
    std::getline(in, published);
    if (published == lockId) return std::nullopt;
    return "pid " + std::to_string(pid) + " published another lock than the one the store names";
  }
  return "pid " + std::to_string(pid) + " has published no daemon lock (daemon-" +
         std::to_string(pid) + ".lock in its runtime directory): it is not the daemon holding " +
         "this store's lock";
}

}  // namespace hx
