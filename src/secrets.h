// Secret references ({env: NAME} / {file: PATH}) resolved to a keyed hash. The value itself is
// held only for the duration of the call and never returned, logged or stored.
#pragma once

#include <string>

#include "reconciler/resource.h"
#include "reconciler/status.h"

namespace hx {

// HMAC-SHA256(salt, value) as "hmac-sha256:<hex>", or an error that names the reference (never
// the value): "environment variable WEBUI_API_KEY is not set".
Result<std::string> secretDigest(const Json& reference, const std::string& salt);

// The secret's value, for building a request header; never store, print or log it.
Result<std::string> readSecret(const Json& reference);

// Adds spec.secretDigest to every ApiKey; a key whose secret cannot be read goes to
// desired.unresolved with the reason (which names the reference, never a value).
void resolveSecretDigests(DesiredState& desired, const std::string& salt);

}  // namespace hx
