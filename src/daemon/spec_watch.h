// Watches the spec paths with inotify: every directory under a given directory, and the
// directory holding a given file (editors save by writing a new file and renaming it over the
// old one, which a watch on the file itself would miss). The owner polls fd() and calls
// drain() when it is readable, then rearm() once the changes have settled, which also picks up
// directories created since.
#pragma once

#include <string>
#include <vector>

namespace hx {

class SpecWatch {
 public:
  explicit SpecWatch(std::vector<std::string> paths);
  ~SpecWatch();
  SpecWatch(const SpecWatch&) = delete;
  SpecWatch& operator=(const SpecWatch&) = delete;

  int fd() const { return fd_; }
  // Reads the pending events; true if any concerns a spec file (a .yaml / .yml file, or a
  // directory appearing or going).
  bool drain();
  void rearm();

 private:
  void watchTree(const std::string& dir);

  std::vector<std::string> paths_;
  int fd_ = -1;
};

}  // namespace hx
