// Pure parsers for the scalar value types specs use. Each returns an empty string when the value
// is acceptable, or a sentence saying what is wrong with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hx {

// "250ms", "5s", "1m30s", "2h" -> milliseconds. Units: ms, s, m, h, d.
std::optional<int64_t> parseDurationMs(std::string_view text);
std::string checkDuration(std::string_view text);

// IPv4 or IPv6 address, optional "/prefix". "any" is not accepted here.
std::string checkCidr(std::string_view text);
bool isIpv6(std::string_view cidr);
// A host address: IPv4, IPv6 or a DNS name.
std::string checkAddress(std::string_view text);
// http:// or https:// with a host, optional port and path.
std::string checkUrl(std::string_view text);
// "22", "6000:6010" (ufw's range syntax) or "6000-6010"; ports 1..65535, low < high.
std::string checkPortOrRange(std::string_view text);
// Resource names: 1..253 chars, start alphanumeric, then letters, digits, '.', '-', '_'.
std::string checkName(std::string_view text);
// YYYY-MM-DD or an RFC 3339 timestamp.
std::string checkDate(std::string_view text);
// Seconds since the epoch (UTC) of a checkDate()-valid text.
std::optional<int64_t> parseDateSeconds(std::string_view text);

// FNV-1a 64-bit of `text` as 16 hex digits: tells contents apart in records; not a security
// boundary (secrets use HMAC, src/platform/secrets.h).
std::string contentDigest(std::string_view text);

// Levenshtein distance, for "did you mean".
size_t editDistance(std::string_view a, std::string_view b);

// "a, b, c": items for a message, in their order.
std::string joined(const std::vector<std::string>& items, const char* separator = ", ");

}  // namespace hx
