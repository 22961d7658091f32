#include "reconciler/identity.h"

#include <algorithm>

#include "reconciler/kinds.h"
#include "reconciler/ufw_rule.h"

namespace hx {

std::string objectHost(const Resource& r) {
  const KindDescriptor* kind = findKind(r.id.kind);
  if (!kind || !*kind->hostField || !r.spec.is_object()) return "";
  return r.spec.value(kind->hostField, "");
}

std::string normalizeModelName(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  for (const char* prefix : {"registry.ollama.ai/", "library/"})
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
  auto slash = name.rfind('/');
  auto colon = name.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash))
    name += ":latest";
  return name;
}

std::string firewallRuleKey(const Json& spec) { return ufwRuleFromSpec(spec).key(); }

std::string objectKey(const Resource& r) {
  const KindDescriptor* kind = findKind(r.id.kind);
  return kind && kind->objectKey ? kind->objectKey(r) : r.id.name;
}

Json comparableFields(const Resource& r) {
  Json fields = r.spec;
  const KindDescriptor* kind = findKind(r.id.kind);
  if (kind)
    for (const auto& f : kind->specOnlyFields) {
      // "deliver.gateway.reloadCommand": walk to the parent object, drop the leaf.
      Json* parent = &fields;
      std::string path = f;
      for (auto dot = path.find('.'); dot != std::string::npos && parent; dot = path.find('.')) {
        std::string head = path.substr(0, dot);
        parent = parent->is_object() && parent->contains(head) ? &(*parent)[head] : nullptr;
        path = path.substr(dot + 1);
      }
      if (parent && parent->is_object()) parent->erase(path);
    }
  return kind && kind->normalize ? kind->normalize(r, std::move(fields)) : fields;
}

}  // namespace hx
