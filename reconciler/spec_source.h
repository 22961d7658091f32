// Where spec text comes from. The loader sees only this, never a directory path, so tests can
// hand it files held in memory.
#pragma once

#include <string>
#include <vector>

#include "reconciler/status.h"

namespace hx {

class SpecSource {
 public:
  virtual ~SpecSource() = default;
  // The spec files under `path` (a file, or a directory walked recursively), in a stable order.
  virtual Result<std::vector<std::string>> list(const std::string& path) = 0;
  virtual Result<std::string> read(const std::string& file) = 0;
};

}  // namespace hx
