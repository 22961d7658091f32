// The providers of a real run, built from the hosts in the specs: one Qdrant client per qdrant
// host (with its api.auth key). Kinds without a provider yet are reported as such.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "reconciler/provider.h"
#include "src/http.h"
#include "src/qdrant_api.h"
#include "src/qdrant_provider.h"

namespace hx {

class RealProviders : public ProviderSet {
 public:
  RealProviders(HttpTransport& http, Clock& clock) : http_(http), clock_(clock) {}
  Status configure(const DesiredState& desired) override;
  Provider* providerFor(const std::string& kind, const std::string& host) override;

 private:
  struct QdrantHost {
    std::unique_ptr<QdrantApi> api;
    std::unique_ptr<QdrantProvider> provider;
  };
  HttpTransport& http_;
  Clock& clock_;
  std::map<std::string, QdrantHost> qdrant_;   // by host name
  std::map<std::string, std::string> broken_;  // host -> why its provider could not be built
};

}  // namespace hx
