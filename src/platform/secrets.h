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
// `{generate: true, file: PATH}` secrets whose file does not exist yet are created (32 random
// bytes, base64url, mode 0600) when `generate` is set (apply); a plan shows them as new.
void resolveSecretDigests(DesiredState& desired, const std::string& salt, bool generate);

// Creates PATH (0600, refusing to overwrite) with a new random key; the key is not returned.
Status generateSecretFile(const std::string& path);

}  // namespace hx
