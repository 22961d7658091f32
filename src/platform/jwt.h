// JSON Web Tokens as Qdrant's JWT RBAC reads them: HS256, signed with the server's api key.
// Minting is local (Qdrant has no API for it); the server only verifies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reconciler/resource.h"

namespace hx {

std::string base64UrlEncode(const std::string& bytes);
std::optional<std::string> base64UrlDecode(const std::string& text);

// header.claims.signature, signed HMAC-SHA256 with `key`.
std::string mintHs256(const Json& claims, const std::string& key);

// The claims of a token whose HS256 signature `key` verifies; nothing otherwise.
std::optional<Json> verifiedClaims(const std::string& token, const std::string& key);

// HMAC-SHA256 of `data` under `key`, raw bytes.
std::string hmacSha256(const std::string& key, const std::string& data);

// Lower-case hex of raw bytes.
std::string toHex(const std::string& bytes);
// The bytes of a hex string; nullopt when it is not one (odd length, a non-hex digit): the text
// may come from a file someone edited.
std::optional<std::string> fromHex(std::string_view hex);

// A random id (hex, 32 characters) from the system's CSPRNG.
std::string randomHex(size_t bytes = 16);

}  // namespace hx
