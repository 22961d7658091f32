// Turns the text of one spec file into resources. Pure: no file system, the caller passes the text
// and the name to report errors against.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"
#include "reconciler/spec_screen.h"

namespace hx {

struct ParsedSpecs {
  std::vector<Resource> resources;
  Diagnostics diagnostics;
  size_t omittedDiagnostics = 0;  // found beyond kMaxKeptDiagnostics, counted, not kept
};

// Errors kept per load: enough to fix a file by, few enough that a file of a million unknown
// keys does not become a million error lines (or their memory).
constexpr size_t kMaxKeptDiagnostics = 200;

// Parses every document of a multi-document YAML text. A document with errors is reported and
// left out; the others are still returned so that all errors of a run come out at once. The text
// is screened first (size, encoding, the YAML event stream): see spec_screen.h.
ParsedSpecs parseSpecs(std::string_view text, std::string_view filename,
                       const SpecLimits& limits = {});

}  // namespace hx
