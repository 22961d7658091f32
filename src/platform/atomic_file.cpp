#include "src/platform/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hx {

Status createPrivateDirectories(const std::string& dir) {
  std::filesystem::path built;
  for (const auto& part : std::filesystem::path(dir)) {
    built /= part;
    std::error_code ec;
    if (std::filesystem::exists(built, ec)) continue;
    if (mkdir(built.c_str(), 0700) != 0 && errno != EEXIST)
      return Status::error(ErrorKind::kTerminal,
                           "cannot create " + built.string() + ": " + std::strerror(errno));
    // mkdir's mode is masked by the umask; chmod is not.
    if (chmod(built.c_str(), 0700) != 0)
      return Status::error(ErrorKind::kTerminal,
                           "cannot make " + built.string() + " private: " + std::strerror(errno));
  }
  return Status::ok();
}

Status writeFileAtomically(const std::string& path, const std::string& content, mode_t mode) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::exists(dir))
    if (Status made = createPrivateDirectories(dir.string()); !made) return made;
  std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = mkstemp(tmp.data());  // created 0600
  if (fd < 0)
    return Status::error(ErrorKind::kTerminal,
                         "cannot write " + path + ": " + std::strerror(errno));
  if (mode != 0600 && fchmod(fd, mode) != 0) {
    std::string why = std::strerror(errno);
    close(fd);
    unlink(tmp.c_str());
    return Status::error(ErrorKind::kTerminal, "cannot write " + path + ": " + why);
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return Status::error(ErrorKind::kTerminal, "cannot write " + path + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    unlink(tmp.c_str());
    return Status::error(ErrorKind::kTerminal, "cannot write " + path + ": " + why);
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::ok();
}

Result<std::optional<std::string>> readFileIfExists(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return std::optional<std::string>();
    return Status::error(ErrorKind::kTerminal, "cannot read " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::optional<std::string>(text.str());
}

}  // namespace hx
