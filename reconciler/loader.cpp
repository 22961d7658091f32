#include "reconciler/loader.h"

#include <functional>
#include <set>

#include "reconciler/spec_parser.h"
#include "reconciler/validate.h"

namespace hx {
namespace {

// FNV-1a, 64 bit: enough to tell spec sets apart in the run history; not a security boundary.
uint64_t fnv1a(const std::string& text, uint64_t h) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

LoadResult loadSpecs(SpecSource& source, const std::vector<std::string>& paths) {
  LoadResult out;
  std::set<std::string> seen;
  uint64_t h = 14695981039346656037ULL;
  for (const auto& path : paths) {
    auto files = source.list(path);
    if (!files) {
      out.diagnostics.push_back(Diagnostic{SourceLoc{path, 0, 0}, "", files.status().message()});
      continue;
    }
    for (const auto& file : files.value()) {
      if (!seen.insert(file).second) continue;
      auto text = source.read(file);
      if (!text) {
        out.diagnostics.push_back(Diagnostic{SourceLoc{file, 0, 0}, "", text.status().message()});
        continue;
      }
      out.files.push_back(file);
      h = fnv1a(file + "\n" + text.value(), h);
      ParsedSpecs parsed = parseSpecs(text.value(), file);
      out.diagnostics.insert(out.diagnostics.end(), parsed.diagnostics.begin(),
                             parsed.diagnostics.end());
      for (auto& r : parsed.resources) out.desired.resources.push_back(std::move(r));
    }
  }
  if (out.files.empty() && out.diagnostics.empty())
    out.diagnostics.push_back(Diagnostic{SourceLoc{paths.empty() ? "" : paths[0], 0, 0}, "",
                                         "no spec files found (*.yaml, *.yml)"});
  if (out.diagnostics.empty()) out.diagnostics = validateDesiredState(out.desired);
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  out.digest = buf;
  return out;
}

}  // namespace hx
