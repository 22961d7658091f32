// Spec files on disk: a file, or a directory walked recursively for *.yaml / *.yml, sorted by
// path so that every run sees the same order.
#pragma once

#include <filesystem>

#include "reconciler/spec_source.h"

namespace hx {

// *.yaml or *.yml: the files a directory of specs is made of.
bool isSpecFile(const std::filesystem::path& p);

class FsSpecSource : public SpecSource {
 public:
  Result<std::vector<std::string>> list(const std::string& path) override;
  Result<std::string> read(const std::string& file) override;
};

}  // namespace hx
