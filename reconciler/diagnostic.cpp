#include "reconciler/diagnostic.h"

namespace hx {

std::string formatDiagnostic(const Diagnostic& d) {
  std::string out = d.loc.file;
  if (d.loc.line > 0) out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column);
  out += ": ";
  if (!d.path.empty()) out += d.path + ": ";
  return out + d.message;
}

}  // namespace hx
