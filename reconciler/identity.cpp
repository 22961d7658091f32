#include "reconciler/identity.h"

#include <algorithm>

#include "reconciler/kinds.h"
#include "reconciler/ufw_rule.h"

namespace hx {

std::string objectHost(const Resource& r) {
  if (r.id.kind == "Collection") return r.spec.value("server", "");
  if (r.id.kind == "Model" || r.id.kind == "FirewallRule" || r.id.kind == "Firewall" ||
      r.id.kind == "GatewayKeyFile")
    return r.spec.value("host", "");
  return "";
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
  if (r.id.kind == "Model") return normalizeModelName(r.spec.value("model", ""));
  if (r.id.kind == "FirewallRule") return firewallRuleKey(r.spec);
  if (r.id.kind == "Firewall") return "ufw";
  if (r.id.kind == "GatewayKeyFile") return r.spec.value("keyFile", "");
  return r.id.name;
}

Json comparableFields(const Resource& r) {
  Json fields = r.spec;
  if (const KindDescriptor* kind = findKind(r.id.kind))
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
  if (r.id.kind == "Model") fields["model"] = objectKey(r);
  if (r.id.kind == "FirewallRule") {
    // Compared as ufw stores it; the comment only when the spec gives one.
    Json normal = ufwRuleFields(ufwRuleFromSpec(r.spec));
    normal["host"] = r.spec.value("host", "");
    if (r.spec.contains("position")) normal["position"] = r.spec["position"];
    return normal;
  }
  return fields;
}

}  // namespace hx
