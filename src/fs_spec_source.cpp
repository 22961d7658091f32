#include "src/fs_spec_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hx {

namespace fs = std::filesystem;

bool isSpecFile(const fs::path& p) {
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
    if (it->is_regular_file() && isSpecFile(it->path())) files.push_back(it->path().string());
  }
  if (ec) return Status::error(ErrorKind::kInvalidSpec, "cannot read directory: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::string> FsSpecSource::read(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::error(ErrorKind::kInvalidSpec, "cannot open the file for reading");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace hx
