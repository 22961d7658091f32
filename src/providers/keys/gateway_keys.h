// The API gateway's key file: one entry per ApiKey delivered to it, with a salted hash of the
// key (never the key). The format is documented in the README for gateway implementers.
#pragma once

#include <string>
#include <vector>

#include "reconciler/status.h"

namespace hx {

struct GatewayEntry {
  std::string name;
  std::string role;
  std::vector<std::string> permissions;
  std::string expires;  // YYYY-MM-DD, or empty for never
  std::string hash;     // "sha256:<salt hex>:<hex of SHA-256(salt bytes || key)>"
};

Result<std::vector<GatewayEntry>> parseGatewayFile(const std::string& text);
// Deterministic: entries sorted by name, so an unchanged key set renders the same bytes.
std::string renderGatewayFile(std::vector<GatewayEntry> entries);

// A new salted hash of `key` (16 random bytes of salt).
std::string saltedHash(const std::string& key);
bool verifySaltedHash(const std::string& hash, const std::string& key);

}  // namespace hx
