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

// An estimate of effort, as the operators write it or as a duration: "4-6 hours", "25 minutes",
// "2.5 hours", "1 hour", or "4h-6h", "25m". -> {low, high} in minutes (equal when not a range);
// nullopt when it is neither, or runs backwards.
struct EffortRange {
  int64_t lowMinutes = 0, highMinutes = 0;
};
std::optional<EffortRange> parseEffort(std::string_view text);
// A range that would be an estimate written the other way round ("6-4 hours", "6h-4h").
bool effortBackwards(std::string_view text);
// The sum of estimates in the operators' style: "20-29 hours", "130 minutes", "2h10m-3h".
std::string formatEffort(const EffortRange& effort);

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
