#include "reconciler/loader.h"

#include <functional>
#include <set>

#include "reconciler/derive.h"
#include "reconciler/spec_parser.h"
#include "reconciler/validate.h"
#include "reconciler/values.h"

namespace hx {
LoadResult loadSpecs(SpecSource& source, const std::vector<std::string>& paths,
                     const SpecLimits& limits) {
  LoadResult out;
  std::set<std::string> seen;
  std::string all;
  size_t totalBytes = 0;
  auto keep = [&out](Diagnostic d) {
    if (out.diagnostics.size() < kMaxKeptDiagnostics)
      out.diagnostics.push_back(std::move(d));
    else
      ++out.omittedDiagnostics;
  };
  for (const auto& path : paths) {
    if (totalBytes > limits.maxTotalBytes()) break;
    auto files = source.list(path);
    if (!files) {
      keep(Diagnostic{SourceLoc{path, 0, 0}, "", files.status().message()});
      continue;
    }
    for (const auto& file : files.value()) {
      if (!seen.insert(file).second) continue;
      auto text = source.read(file);
      if (!text) {
        keep(Diagnostic{SourceLoc{file, 0, 0}, "", text.status().message()});
        // In the digest too: the set of files changes when an unreadable one goes away.
        all += file + "\n(unreadable: " + text.status().message() + ")\n";
        continue;
      }
      out.files.push_back(file);
      all += file + "\n" + text.value() + "\n";
      totalBytes += text.value().size();
      if (totalBytes > limits.maxTotalBytes()) {
        keep(Diagnostic{SourceLoc{file, 0, 0}, "",
                        "the spec files read so far come to " + formatByteSize(totalBytes) +
                            ", above the limit of " + formatByteSize(limits.maxTotalBytes()) +
                            " for one load (four times --max-spec-bytes)"});
        break;
      }
      ParsedSpecs parsed = parseSpecs(text.value(), file, limits);
      out.omittedDiagnostics += parsed.omittedDiagnostics;
      const bool declaresNothing =
          parsed.diagnostics.empty() && parsed.omittedDiagnostics == 0 && parsed.resources.empty();
      for (auto& d : parsed.diagnostics) keep(std::move(d));
      // A spec file that declares nothing is refused: a truncated file (an editor's save, a
      // half-synced checkout) must not read as "these resources are gone".
      if (declaresNothing)
        keep(Diagnostic{
            SourceLoc{file, 1, 1}, "",
            "the file declares no resource: an empty spec file is refused, since a truncated one "
            "would read as the deletion of everything it declared; delete the file if it is "
            "meant to go"});
      for (auto& r : parsed.resources) out.desired.resources.push_back(std::move(r));
    }
  }
  if (out.files.empty() && out.diagnostics.empty())
    out.diagnostics.push_back(Diagnostic{SourceLoc{paths.empty() ? "" : paths[0], 0, 0}, "",
                                         "no spec files found (*.yaml, *.yml)"});
  if (out.diagnostics.empty())
    for (auto& d : validateDesiredState(out.desired)) keep(std::move(d));
  if (out.diagnostics.empty()) {
    out.warnings = specWarnings(out.desired);
    deriveResources(out.desired);
  }
  out.digest = contentDigest(all);
  return out;
}

}  // namespace hx
