#include "src/providers/host_endpoint.h"

#include "reconciler/kinds.h"
#include "src/platform/secrets.h"
#include "src/providers/json_read.h"

namespace hx {

namespace {

bool servesUrl(const std::string& base, const std::string& url) {
  if (base.empty() || url.rfind(base, 0) != 0) return false;
  return url.size() == base.size() || url[base.size()] == '/' || url[base.size()] == '?';
}

}  // namespace

bool servesQdrant(const Resource& host) {
  return jread::textOr(jread::object(host.spec, "api"), "type", "") == "qdrant";
}

std::string qdrantRootOf(const Resource& host) {
  std::string url = jread::textOr(jread::object(host.spec, "api"), "url", "");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string qdrantKeyOf(const Resource& host) {
  auto key = qdrantKeyFor(host);
  return key ? key.value() : "";
}

Result<std::string> qdrantKeyFor(const Resource& host) {
  const Json* auth = jread::field(jread::object(host.spec, "api"), "auth");
  if (!auth) return std::string();
  auto secret = readSecret(*auth);
  if (!secret)
    return Status::error(secret.status().kind(),
                         host.id.str() + " spec.api.auth: " + secret.status().message());
  return secret.value();
}

std::string apiRootOf(const Resource& host) {
  return servesQdrant(host) ? qdrantRootOf(host) : llmEndpointOf(host).root;
}

const Resource* hostServing(const DesiredState& desired, const std::string& url) {
  for (const auto* host : desired.ofKind(kind::kHost))
    if (servesUrl(apiRootOf(*host), url)) return host;
  return nullptr;
}

Headers hostAuthFor(const DesiredState& desired, const std::string& url) {
  const Resource* host = hostServing(desired, url);
  if (!host) return {};
  if (!servesQdrant(*host)) return llmEndpointOf(*host).auth;
  std::string key = qdrantKeyOf(*host);
  if (key.empty()) return {};
  return {{"api-key", key}};
}

std::string keyHeaderOf(const Resource& host) {
  return servesQdrant(host) ? "api-key" : "Authorization";
}

}  // namespace hx
