#include "reconciler/derive.h"

#include <algorithm>
#include <map>

#include "reconciler/kinds.h"
#include "reconciler/scrape_config.h"
#include "reconciler/values.h"

namespace hx {

namespace {

// What an ApiKey's role means where the key is delivered, so the plan compares it with what is
// there: the claims of its Qdrant JWT and its entry in the gateway's key file.
void deriveKeyGrants(DesiredState& desired) {
  for (auto& k : desired.resources) {
    if (k.id.kind != kind::kApiKey || !k.spec.contains("deliver")) continue;
    const Resource* role = desired.find({kind::kRole, k.spec.value("role", "")});
    if (!role) continue;
    const Json& deliver = k.spec["deliver"];
    Json expires = k.spec.contains("expires") ? k.spec["expires"] : Json();
    if (deliver.contains("qdrant")) {
      const Json q = role->spec.value("qdrant", Json::object());
      Json claims = Json::object();
      if (q.contains("global")) {
        claims["access"] = q["global"];
      } else {
        // A role without Qdrant rights gets an empty list: a token without `access` would be
        // given full manage rights by Qdrant.
        Json list = Json::array();
        for (const auto& c : q.value("collections", Json::array()))
          list.push_back({{"collection", c["collection"]}, {"access", c["access"]}});
        claims["access"] = list;
      }
      if (expires.is_string())
        if (auto t = parseDateSeconds(expires.get<std::string>()))
          claims["exp"] = *t + 86400;  // valid through that day (UTC)
      k.spec["qdrantClaims"] = claims;
    }
  }
}

// One GatewayKeyFile/<host> per gateway: its entries are every key delivered there, so the file
// is written once per apply and its reload command run once.
void deriveGatewayFiles(DesiredState& desired) {
  std::map<std::string, Resource> files;
  for (const auto& k : desired.resources) {
    if (k.id.kind != kind::kApiKey || !k.spec.contains("deliver") ||
        !k.spec["deliver"].contains("gateway"))
      continue;
    const Json& g = k.spec["deliver"]["gateway"];
    std::string host = g.value("host", "");
    Resource& f = files[host];
    if (f.id.name.empty()) {
      f.id = {kind::kGatewayKeyFile, host};
      f.loc = k.locate("spec.deliver.gateway");
      f.fields["spec"] = {f.loc.line, f.loc.column};
      f.spec = {{"host", host}, {"keyFile", g.value("keyFile", "")}, {"entries", Json::object()}};
      f.references.push_back(
          Reference{{kind::kHost, host}, RefRole::kRequires, "spec.host", f.loc});
    }
    if (g.contains("reloadCommand")) f.spec["reloadCommand"] = g["reloadCommand"];
    const Resource* role = desired.find({kind::kRole, k.spec.value("role", "")});
    Json perms =
        role ? role->spec.value("gateway", Json::object()).value("permissions", Json::array())
             : Json::array();
    f.spec["entries"][k.id.name] = {
        {"role", k.spec.value("role", "")},
        {"permissions", perms},
        {"expires", k.spec.contains("expires") ? k.spec["expires"] : Json()}};
    f.references.push_back(Reference{k.id, RefRole::kRequires, "spec.deliver.gateway", f.loc});
  }
  for (auto& [host, f] : files) desired.resources.push_back(std::move(f));
}

// A declared Prometheus's config is rendered from every declared host, so that a host added to
// the specs is scraped on the next apply.
void renderPrometheusConfigs(DesiredState& desired) {
  std::vector<std::pair<size_t, Json>> rendered;
  for (size_t i = 0; i < desired.resources.size(); ++i)
    if (desired.resources[i].id.kind == kind::kPrometheus)
      rendered.emplace_back(i, scrapeConfigFor(desired.resources[i], desired));
  for (auto& [i, config] : rendered) desired.resources[i].spec["config"] = std::move(config);
}

}  // namespace

void deriveResources(DesiredState& desired) {
  renderPrometheusConfigs(desired);
  std::map<std::string, std::vector<Resource*>> rulesOf;
  for (auto& r : desired.resources)
    if (r.id.kind == kind::kFirewallRule) rulesOf[r.spec.value("host", "")].push_back(&r);

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
    if (host.id.kind != kind::kHost || !host.spec.contains("firewall")) continue;
    const Json& fw = host.spec["firewall"];
    Resource f;
    f.id = {kind::kFirewall, host.id.name};
    f.loc = host.locate("spec.firewall");
    f.fields["spec"] = {f.loc.line, f.loc.column};
    f.spec = {{"host", host.id.name}, {"enabled", fw.value("enabled", true)}};
    if (fw.contains("defaults")) f.spec["defaults"] = fw["defaults"];
    if (fw.contains("logging")) f.spec["logging"] = fw["logging"];
    f.references.push_back(Reference{host.id, RefRole::kRequires, "spec.host", f.loc});
    for (const auto* rule : rulesOf[host.id.name])
      f.references.push_back(Reference{rule->id, RefRole::kRequires, "spec", f.loc});
    derived.push_back(std::move(f));
  }
  for (auto& f : derived) desired.resources.push_back(std::move(f));
  deriveKeyGrants(desired);
  deriveGatewayFiles(desired);
}

}  // namespace hx
