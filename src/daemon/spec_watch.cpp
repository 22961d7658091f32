#include "src/daemon/spec_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>

#include "src/platform/fs_spec_source.h"

namespace hx {

namespace {

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                           IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

SpecWatch::SpecWatch(std::vector<std::string> paths) : paths_(std::move(paths)) { rearm(); }

SpecWatch::~SpecWatch() {
  if (fd_ >= 0) close(fd_);
}

void SpecWatch::watchTree(const std::string& dir) {
  inotify_add_watch(fd_, dir.c_str(), kMask);
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec)) inotify_add_watch(fd_, it->path().c_str(), kMask);
}

void SpecWatch::rearm() {
  if (fd_ >= 0) close(fd_);
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  for (const auto& p : paths_) {
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(p, ec);
    if (std::filesystem::is_directory(path, ec))
      watchTree(path.string());
    else
      inotify_add_watch(fd_, path.parent_path().c_str(), kMask);
  }
}

bool SpecWatch::drain() {
  bool relevant = false;
  alignas(inotify_event) char buf[8192];
  while (true) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      std::string name = ev->len ? ev->name : "";
      if ((ev->mask & IN_ISDIR) || (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) ||
          (ev->mask & IN_Q_OVERFLOW) || isSpecFile(name))
        relevant = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  return relevant;
}

}  // namespace hx
