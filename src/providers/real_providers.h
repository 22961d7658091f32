// The providers of a real run, built from the hosts in the specs: one Qdrant client per qdrant
// host (with its api.auth key). Kinds without a provider yet are reported as such.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "reconciler/provider.h"
#include "src/platform/http.h"
#include "src/providers/keys/gateway_provider.h"
#include "src/providers/keys/key_provider.h"
#include "src/providers/llm/model_providers.h"
#include "src/providers/monitoring/prometheus_config_provider.h"
#include "src/providers/pull_reporter.h"
#include "src/providers/qdrant/qdrant_api.h"
#include "src/providers/qdrant/qdrant_provider.h"
#include "src/providers/ufw/ufw_provider.h"

namespace hx {

// Stands in for a host whose provider could not be built, so every use says why.
class BrokenProvider : public Provider {
 public:
  explicit BrokenProvider(std::string why) : why_(std::move(why)) {}
  Result<std::vector<ObservedObject>> observe(const std::string&) override {
    return Status::error(ErrorKind::kTerminal, why_);
  }
  Status apply(const PlanAction&) override { return Status::error(ErrorKind::kTerminal, why_); }

 private:
  std::string why_;
};

class RealProviders : public ProviderSet {
 public:
  RealProviders(HttpTransport& http, Clock& clock, PullReporter& progress, CommandRunner& commands,
                bool loopbackOnly)
      : http_(http),
        clock_(clock),
        progress_(progress),
        commands_(commands),
        loopbackOnly_(loopbackOnly) {}
  Status configure(const DesiredState& desired) override;
  void useStateStore(const std::string& path, bool readOnly) override {
    keys_.useStore(path, readOnly);
  }
  Provider* providerFor(const std::string& kind, const std::string& host) override;
  // A pull that shows no progress for this long is abandoned (HXCTL_PULL_STALL_SECONDS).
  void setPullStallMs(int64_t ms) { pullStallMs_ = ms; }

 private:
  void configureLlm(const Resource& host);
  void configureFirewall(const Resource& host);
  int64_t pullStallMs_ = 300000;
  struct QdrantHost {
    std::string signingKey;  // the server's api key: it signs the JWTs hxctl mints
    std::unique_ptr<QdrantApi> api;
    std::unique_ptr<QdrantProvider> provider;
  };
  struct LlmHost {
    std::unique_ptr<OllamaApi> ollama;  // null for OpenAI-compatible hosts
    std::unique_ptr<Provider> models;
  };
  struct FirewallHost {
    std::unique_ptr<UfwHost> ufw;
    std::unique_ptr<UfwRuleProvider> rules;
    std::unique_ptr<UfwStateProvider> state;
  };
  HttpTransport& http_;
  Clock& clock_;
  PullReporter& progress_;
  CommandRunner& commands_;
  bool loopbackOnly_;
  std::map<std::string, FirewallHost> firewalls_;  // by host name
  KeyProvider keys_{commands_, clock_};
  GatewayFileProvider gateways_{commands_};
  PrometheusConfigProvider prometheus_{commands_};
  std::map<std::string, QdrantHost> qdrant_;  // by host name
  std::map<std::string, LlmHost> llm_;        // by host name
  // "api@host" / "firewall@host" -> why that provider could not be built
  std::map<std::string, std::string> broken_;
  std::mutex brokenMu_;  // providerFor runs on several observation threads
  std::map<std::string, std::unique_ptr<BrokenProvider>> brokenProviders_;
};

}  // namespace hx
