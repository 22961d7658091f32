// Spec files on disk: a file, or a directory walked recursively for *.yaml / *.yml, sorted by
// path so that every run sees the same order.
#pragma once

#include <filesystem>

#include "reconciler/loader.h"
#include "reconciler/spec_screen.h"
#include "reconciler/spec_source.h"

namespace hx {

// *.yaml or *.yml: the files a directory of specs is made of.
bool isSpecFile(const std::filesystem::path& p);

// The absolute, canonical form of a spec path: how the inventory remembers which file declared
// an object, whatever directory hxctl runs from.
std::string canonicalSpecPath(const std::string& path);

// Fills loaded.desired.sourceFiles from loaded.files.
void recordSourceFiles(LoadResult& loaded);

class FsSpecSource : public SpecSource {
 public:
  // A file above maxBytes is refused before it is read: a spec path that leads to a huge file (or
  // to /dev/zero) must not be read into memory to find that out.
  explicit FsSpecSource(size_t maxBytes = SpecLimits::kDefaultMaxFileBytes) : maxBytes_(maxBytes) {}
  Result<std::vector<std::string>> list(const std::string& path) override;
  Result<std::string> read(const std::string& file) override;

 private:
  size_t maxBytes_;
};

}  // namespace hx
