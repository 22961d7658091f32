#include "src/platform/fs_spec_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace hx {

namespace fs = std::filesystem;

std::string canonicalSpecPath(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

void recordSourceFiles(LoadResult& loaded) {
  for (const auto& f : loaded.files) loaded.desired.sourceFiles.insert(canonicalSpecPath(f));
}

// An estate's hxctl.yaml is its config, not a spec, when a directory read reaches it (`-f .`
// from the estate's root).
bool isSpecFile(const fs::path& p) {
  if (p.filename() == "hxctl.yaml") return false;
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

Result<std::vector<std::string>> FsSpecSource::list(const std::string& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    return Status::error(ErrorKind::kInvalidSpec, "no such file or directory");
  if (!fs::is_directory(status)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    // A link is listed even when it leads nowhere: read() then says so. Skipping it would make
    // its resources look deleted.
    if ((it->is_regular_file() || it->is_symlink()) && isSpecFile(it->path()))
      files.push_back(it->path().string());
  }
  if (ec) return Status::error(ErrorKind::kInvalidSpec, "cannot read directory: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::string> FsSpecSource::read(const std::string& file) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(file, ec)) && !fs::exists(file, ec))
    return Status::error(ErrorKind::kInvalidSpec, "a dangling symbolic link (to " +
                                                      fs::read_symlink(file, ec).string() +
                                                      "): its resources cannot be read");
  auto status = fs::status(file, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status))
    return Status::error(ErrorKind::kInvalidSpec,
                         "not a regular file (a device, a pipe or a socket): a spec file must be "
                         "a plain file");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return Status::error(ErrorKind::kInvalidSpec,
                         std::string("cannot open the file for reading: ") + std::strerror(errno));
  // Read one byte past the limit, never more: the size on disk may change while we read.
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= maxBytes_ && in) {
    size_t want = std::min(sizeof chunk, maxBytes_ + 1 - text.size());
    in.read(chunk, static_cast<std::streamsize>(want));
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad())
    return Status::error(ErrorKind::kInvalidSpec,
                         std::string("cannot read the file: ") + std::strerror(errno));
  if (text.size() > maxBytes_) {
    auto onDisk = fs::file_size(file, ec);
    return Status::error(ErrorKind::kInvalidSpec,
                         fileTooLargeMessage(ec ? text.size() : onDisk, maxBytes_));
  }
  return text;
}

}  // namespace hx
