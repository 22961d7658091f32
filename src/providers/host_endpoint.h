// A declared host's API as the checks need it: where it is, and how it takes a credential.
// The one reading of spec.api outside the clients themselves, so that which header a server
// wants (Qdrant `api-key`, every LLM server `Authorization: Bearer`) is known in one place.
#pragma once

#include <string>

#include "reconciler/resource.h"
#include "reconciler/status.h"
#include "src/providers/llm/llm_dialect.h"

namespace hx {

// True when the host's API is a Qdrant (spec.api.type qdrant).
bool servesQdrant(const Resource& host);
// A Qdrant host's REST root, without trailing slashes.
std::string qdrantRootOf(const Resource& host);
// A Qdrant host's api key (spec.api.auth), or "" when it has none or it cannot be read.
std::string qdrantKeyOf(const Resource& host);
// The same, or an error naming the host and the secret that cannot be read (its variable or
// file), for callers that must not go on without it.
Result<std::string> qdrantKeyFor(const Resource& host);
// The root a host's API answers under (Qdrant's, or an LLM server's without "/v1").
std::string apiRootOf(const Resource& host);

// The declared host whose API serves `url` (at or below its root: ".../6333" does not serve
// ".../63330/..."), if any.
const Resource* hostServing(const DesiredState& desired, const std::string& url);
// The host's own credential as its server takes it, for a request to `url`; empty when no
// declared host serves it or that host has none.
Headers hostAuthFor(const DesiredState& desired, const std::string& url);
// The header a client key is presented in to `host`: "api-key" on Qdrant, "Authorization"
// (a Bearer token) on an LLM server.
std::string keyHeaderOf(const Resource& host);

}  // namespace hx
