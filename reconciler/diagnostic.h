// A problem found in the operator's specs, located at file:line:col (1-based) and a field path.
#pragma once

#include <string>
#include <vector>

namespace hx {

struct SourceLoc {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct Diagnostic {
  SourceLoc loc;
  std::string path;  // e.g. "Collection/mixtral spec.vectors.size"; may be empty for file errors
  std::string message;
};

// "specs/a.yaml:12:5: Collection/mixtral spec.vectors.size: must be at least 1"
std::string formatDiagnostic(const Diagnostic& d);

using Diagnostics = std::vector<Diagnostic>;

}  // namespace hx
