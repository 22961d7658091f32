// Load and validate: specs from a SpecSource -> DesiredState, or every problem found.
#pragma once

#include <string>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"
#include "reconciler/spec_screen.h"
#include "reconciler/spec_source.h"

namespace hx {

struct LoadResult {
  DesiredState desired;
  Diagnostics diagnostics;        // empty when the specs are valid
  size_t omittedDiagnostics = 0;  // beyond the kept ones (spec_parser.h), counted only
  Diagnostics warnings;           // valid, but likely not meant (validate.h specWarnings)
  std::vector<std::string> files;
  std::string digest;  // of every file's name and text, to record which specs a run used
  bool ok() const { return diagnostics.empty(); }
  size_t errorCount() const { return diagnostics.size() + omittedDiagnostics; }
};

LoadResult loadSpecs(SpecSource& source, const std::vector<std::string>& paths,
                     const SpecLimits& limits = {});

}  // namespace hx
