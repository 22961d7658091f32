#include "reconciler/identity.h"

#include <algorithm>

#include "reconciler/kinds.h"

namespace hx {

std::string objectHost(const Resource& r) {
  if (r.id.kind == "Collection") return r.spec.value("server", "");
  if (r.id.kind == "Model" || r.id.kind == "FirewallRule") return r.spec.value("host", "");
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

std::string firewallRuleKey(const Json& spec) {
  std::string port = spec.value("port", "");
  std::replace(port.begin(), port.end(), '-', ':');
  std::string key = spec.value("action", "allow") + " " + spec.value("direction", "in");
  if (spec.contains("interface")) key += " on " + spec.value("interface", "");
  key += " " + spec.value("proto", "any") + " from " + spec.value("from", "any") + " to " +
         spec.value("to", "any");
  if (!port.empty()) key += " port " + port;
  return key;
}

std::string objectKey(const Resource& r) {
  if (r.id.kind == "Model") return normalizeModelName(r.spec.value("model", ""));
  if (r.id.kind == "FirewallRule") return firewallRuleKey(r.spec);
  return r.id.name;
}

Json comparableFields(const Resource& r) {
  Json fields = r.spec;
  if (const KindDescriptor* kind = findKind(r.id.kind))
    for (const auto& f : kind->specOnlyFields) fields.erase(f);
  if (r.id.kind == "Model") fields["model"] = objectKey(r);
  if (r.id.kind == "FirewallRule" && fields.contains("port")) {
    std::string port = fields["port"];
    std::replace(port.begin(), port.end(), '-', ':');
    fields["port"] = port;
  }
  return fields;
}

}  // namespace hx
