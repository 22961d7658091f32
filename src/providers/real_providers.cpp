#include "src/providers/real_providers.h"

#include "reconciler/host_health.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/platform/remote_command.h"
#include "src/platform/secrets.h"
#include "src/providers/llm/llm_dialect.h"

namespace hx {

Status RealProviders::configure(const DesiredState& desired) {
  qdrant_.clear();
  llm_.clear();
  firewalls_.clear();
  broken_.clear();
  brokenProviders_.clear();
  std::map<std::string, std::string> unreadable;  // Qdrant hosts whose api key cannot be read
  for (const auto* host : desired.ofKind(kind::kHost)) {
    if (host->spec.contains("firewall")) configureFirewall(*host);
    const Json& api = host->spec["api"];
    const std::string type = api.value("type", "");
    if (type == "ollama" || type == "openai") {
      configureLlm(*host);
      continue;
    }
    if (type != "qdrant") continue;
    std::string key;
    if (api.contains("auth")) {
      auto secret = readSecret(api["auth"]);
      if (!secret) {
        broken_["api@" + host->id.name] = "spec.api.auth: " + secret.status().message();
        unreadable[host->id.name] =
            "Host/" + host->id.name + " spec.api.auth: " + secret.status().message();
        continue;
      }
      key = secret.value();
    }
    int64_t timeout = 10000;
    if (host->spec.contains("health") && host->spec["health"].contains("timeout"))
      timeout = std::max<int64_t>(
          parseDurationMs(host->spec["health"]["timeout"].get<std::string>()).value_or(10000),
          5000);
    QdrantHost q;
    q.signingKey = key;
    q.api = std::make_unique<QdrantApi>(http_, clock_, api.value("url", ""), key, timeout);
    q.provider = std::make_unique<QdrantProvider>(*q.api, host->id.name);
    qdrant_[host->id.name] = std::move(q);
  }
  std::map<std::string, KeyProvider::Server> servers;
  for (auto& [name, q] : qdrant_)
    servers[name] = KeyProvider::Server{
        q.api.get(), q.signingKey,
        q.signingKey.empty()
            ? "host " + name + " has no api.auth: Qdrant signs JWTs with its api key"
            : ""};
  for (const auto& [name, why] : unreadable) servers[name] = KeyProvider::Server{nullptr, "", why};
  keys_.configure(desired, std::move(servers));
  gateways_.configure(desired);
  prometheus_.configure(desired);
  return Status::ok();
}

void RealProviders::configureLlm(const Resource& host) {
  const Json& api = host.spec["api"];
  std::string url = api.value("url", "");
  while (!url.empty() && url.back() == '/') url.pop_back();
  int64_t timeout = std::max<int64_t>(healthPolicyOf(host).timeoutMs, 5000);
  LlmHost h;
  if (api.value("type", "") == "ollama") {
    h.ollama = std::make_unique<OllamaApi>(http_, clock_, url, timeout);
    h.models = std::make_unique<OllamaModelProvider>(*h.ollama, progress_, pullStallMs_);
  } else {
    std::string key;
    if (api.contains("auth")) {
      auto secret = readSecret(api["auth"]);
      if (!secret) {
        broken_["api@" + host.id.name] = "spec.api.auth: " + secret.status().message();
        return;
      }
      key = secret.value();
    }
    h.models = std::make_unique<OpenAiModelProvider>(http_, clock_, apiRoot(url), key, timeout);
  }
  llm_[host.id.name] = std::move(h);
}

void RealProviders::configureFirewall(const Resource& host) {
  std::vector<std::string> exec = host.spec["firewall"]["exec"].get<std::vector<std::string>>();
  // The network rule holds for commands too: under HXCTL_LOOPBACK_ONLY no remote shell runs.
  // An ssh to a loopback address stays on this machine, which the rule allows.
  if (loopbackOnly_ && isSsh(exec)) {
    const auto to = sshHost(exec);
    const bool loopback = to && (to->rfind("127.", 0) == 0 || *to == "::1" || *to == "localhost");
    if (!loopback) {
      broken_["firewall@" + host.id.name] =
          "refused to run " + exec[0] + " to " + (to ? *to : std::string("no destination")) +
          ": HXCTL_LOOPBACK_ONLY allows local commands and loopback only";
      return;
    }
  }
  FirewallHost f;
  f.ufw = std::make_unique<UfwHost>(host.id.name, exec, commands_);
  f.rules = std::make_unique<UfwRuleProvider>(*f.ufw);
  f.state = std::make_unique<UfwStateProvider>(*f.ufw);
  firewalls_[host.id.name] = std::move(f);
}

Provider* RealProviders::providerFor(const std::string& kind, const std::string& host) {
  if (kind == kind::kApiKey) return &keys_;
  if (kind == kind::kGatewayKeyFile) return &gateways_;
  if (kind == kind::kPrometheus) return &prometheus_;
  bool firewall = kind == kind::kFirewallRule || kind == kind::kFirewall;
  std::string part = (firewall ? "firewall@" : "api@") + host;
  if (auto b = broken_.find(part); b != broken_.end()) {
    std::lock_guard<std::mutex> lock(brokenMu_);
    auto& p = brokenProviders_[part];
    if (!p) p = std::make_unique<BrokenProvider>(b->second);
    return p.get();
  }
  if (kind == kind::kFirewallRule || kind == kind::kFirewall) {
    auto it = firewalls_.find(host);
    if (it == firewalls_.end()) return nullptr;
    return kind == kind::kFirewall ? static_cast<Provider*>(it->second.state.get())
                                   : it->second.rules.get();
  }
  if (kind == kind::kModel) {
    auto it = llm_.find(host);
    if (it != llm_.end()) return it->second.models.get();
  }
  if (kind == kind::kCollection) {
    auto it = qdrant_.find(host);
    if (it != qdrant_.end()) return it->second.provider.get();
  }
  return nullptr;
}

}  // namespace hx
