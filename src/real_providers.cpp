#include "src/real_providers.h"

#include "reconciler/values.h"
#include "src/secrets.h"

namespace hx {

Status RealProviders::configure(const DesiredState& desired) {
  qdrant_.clear();
  broken_.clear();
  for (const auto* host : desired.ofKind("Host")) {
    const Json& api = host->spec["api"];
    if (api.value("type", "") != "qdrant") continue;
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

Provider* RealProviders::providerFor(const std::string& kind, const std::string& host) {
  if (kind == "Collection") {
    auto it = qdrant_.find(host);
    if (it != qdrant_.end()) return it->second.provider.get();
  }
  return nullptr;
}

}  // namespace hx
