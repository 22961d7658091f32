// Turns the text of one spec file into resources. Pure: no file system, the caller passes the text
// and the name to report errors against.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"

namespace hx {

struct ParsedSpecs {
  std::vector<Resource> resources;
  Diagnostics diagnostics;
};

// Parses every document of a multi-document YAML text. A document with errors is reported and
// left out; the others are still returned so that all errors of a run come out at once.
ParsedSpecs parseSpecs(std::string_view text, std::string_view filename);

}  // namespace hx
