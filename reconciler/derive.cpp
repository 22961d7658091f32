#include "reconciler/derive.h"

#include <algorithm>
#include <map>

namespace hx {

void deriveResources(DesiredState& desired) {
  std::map<std::string, std::vector<Resource*>> rulesOf;
  for (auto& r : desired.resources)
    if (r.id.kind == "FirewallRule") rulesOf[r.spec.value("host", "")].push_back(&r);

  for (auto& [host, rules] : rulesOf) {
    std::vector<Resource*> placed;
    for (auto* r : rules)
      if (r->spec.contains("position")) placed.push_back(r);
    std::stable_sort(placed.begin(), placed.end(), [](const Resource* a, const Resource* b) {
      return a->spec["position"].get<int>() < b->spec["position"].get<int>();
    });
    for (size_t i = 1; i < placed.size(); ++i)
      placed[i]->references.push_back(Reference{placed[i - 1]->id, RefRole::kRequires,
                                                "spec.position",
                                                placed[i]->locate("spec.position")});
  }

  std::vector<Resource> derived;
  for (const auto& host : desired.resources) {
    if (host.id.kind != "Host" || !host.spec.contains("firewall")) continue;
    const Json& fw = host.spec["firewall"];
    Resource f;
    f.id = {"Firewall", host.id.name};
    f.loc = host.locate("spec.firewall");
    f.fields["spec"] = f.loc;
    f.spec = {{"host", host.id.name}, {"enabled", fw.value("enabled", true)}};
    if (fw.contains("defaults")) f.spec["defaults"] = fw["defaults"];
    if (fw.contains("logging")) f.spec["logging"] = fw["logging"];
    f.references.push_back(Reference{host.id, RefRole::kRequires, "spec.host", f.loc});
    for (const auto* rule : rulesOf[host.id.name])
      f.references.push_back(Reference{rule->id, RefRole::kRequires, "spec", f.loc});
    derived.push_back(std::move(f));
  }
  for (auto& f : derived) desired.resources.push_back(std::move(f));
}

}  // namespace hx
