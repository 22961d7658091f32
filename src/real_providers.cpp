#include "src/real_providers.h"

#include "reconciler/host_health.h"
#include "reconciler/values.h"
#include "src/secrets.h"

namespace hx {

Status RealProviders::configure(const DesiredState& desired) {
  qdrant_.clear();
  llm_.clear();
  broken_.clear();
  for (const auto* host : desired.ofKind("Host")) {
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
        broken_[host->id.name] = "spec.api.auth: " + secret.status().message();
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
    q.api = std::make_unique<QdrantApi>(http_, clock_, api.value("url", ""), key, timeout);
    q.provider = std::make_unique<QdrantProvider>(*q.api, host->id.name);
    qdrant_[host->id.name] = std::move(q);
  }
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
        broken_[host.id.name] = "spec.api.auth: " + secret.status().message();
        return;
      }
      key = secret.value();
    }
    h.models = std::make_unique<OpenAiModelProvider>(http_, url, key, timeout);
  }
  llm_[host.id.name] = std::move(h);
}

Provider* RealProviders::providerFor(const std::string& kind, const std::string& host) {
  if (kind == "Model") {
    auto it = llm_.find(host);
    if (it != llm_.end()) return it->second.models.get();
  }
  if (kind == "Collection") {
    auto it = qdrant_.find(host);
    if (it != qdrant_.end()) return it->second.provider.get();
  }
  return nullptr;
}

}  // namespace hx
