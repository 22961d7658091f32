#include "reconciler/resource.h"

namespace hx {

SourceLoc Resource::locate(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    auto it = fields.find(p);
    if (it != fields.end()) return SourceLoc{loc.file, it->second.line, it->second.column};
    auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p.resize(cut);
  }
  return loc;
}

const Json* Resource::field(const std::string& dottedPath) const {
  const Json* node = &spec;
  size_t start = 0;
  while (start <= dottedPath.size()) {
    size_t end = dottedPath.find('.', start);
    if (end == std::string::npos) end = dottedPath.size();
    std::string key = dottedPath.substr(start, end - start);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    start = end + 1;
  }
  return node;
}

const Resource* DesiredState::find(const ResourceId& id) const {
  for (const auto& r : resources)
    if (r.id == id) return &r;
  return nullptr;
}

std::vector<const Resource*> DesiredState::ofKind(const std::string& kind) const {
  std::vector<const Resource*> out;
  for (const auto& r : resources)
    if (r.id.kind == kind) out.push_back(&r);
  return out;
}

}  // namespace hx
