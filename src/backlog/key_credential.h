// How a check presents an ApiKey to a server: the header and the value, as that server takes it
// (src/backlog/access_checks.cpp). Shared by the access checks and by the checks that send their
// requests as a declared client would (`load`, `overhead` and `serviceReachable` with `key`).
#pragma once

#include <string>

#include "reconciler/resource.h"
#include "reconciler/status.h"

namespace hx {

struct Credential {
  std::string header, value;
};

// The header and value `key` is presented in to `url`: the criterion's `header` if it names one;
// to a Qdrant the key is delivered to as a JWT, that JWT (in `api-key`), else the secret in
// `api-key`; to an LLM host, a Bearer token; anywhere else (the API gateway), X-API-Key.
Result<Credential> keyCredential(const Json& c, const DesiredState& desired, const Resource& key,
                                 const std::string& url);
// The same for the ApiKey the criterion names in `key`.
Result<Credential> keyCredentialByName(const Json& c, const DesiredState& desired,
                                       const std::string& url);

}  // namespace hx
