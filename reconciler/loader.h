// Load and validate: specs from a SpecSource -> DesiredState, or every problem found.
#pragma once

#include <string>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"
#include "reconciler/spec_source.h"

namespace hx {

struct LoadResult {
  DesiredState desired;
  Diagnostics diagnostics;  // empty when the specs are valid
  std::vector<std::string> files;
  std::string digest;  // of every file's name and text, to record which specs a run used
  bool ok() const { return diagnostics.empty(); }
};

LoadResult loadSpecs(SpecSource& source, const std::vector<std::string>& paths);

}  // namespace hx
