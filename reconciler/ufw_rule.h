// A UFW rule as hxctl compares it: normalised rule tuples, never command strings, because ufw
// rewrites what it is given (10.0.0.7/24 becomes 10.0.0.0/24, 10.0.0.1/32 becomes 10.0.0.1).
// Pure: no ufw is run here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconciler/resource.h"

namespace hx {

// An IPv4 or IPv6 network.
struct Network {
  bool v6 = false;
  unsigned char bytes[16] = {};
  int prefix = 0;
};
std::optional<Network> parseNetwork(const std::string& text);
// "10.0.0.0/24", "10.0.0.1" (a host needs no /32), "2001:db8::/32".
std::string formatNetwork(const Network& n);
bool contains(const Network& outer, const Network& inner);
bool overlaps(const Network& a, const Network& b);

struct UfwRule {
  std::string action = "allow";  // allow | deny | reject | limit
  std::string direction = "in";  // in | out
  std::string interface;         // "" for any
  std::string proto = "any";     // tcp | udp | any
  std::string from = "any";      // "any" or a normalised network
  std::string to = "any";
  std::string port;      // destination port: "" (any), "22", "8000:8010"
  std::string fromPort;  // source port; hxctl's specs never set it, hand-made rules may
  std::string comment;
  std::string log;  // "" | "log" | "log-all"
  bool v4 = true;   // which of ufw's two tables hold it
  bool v6 = true;

  std::string key() const;  // identity: every field but the comment and the families
  bool operator==(const UfwRule&) const = default;
};

// From a FirewallRule spec (validated) or observed fields, normalised as ufw would store it.
UfwRule ufwRuleFromSpec(const Json& spec);
// In the FirewallRule spec's shape (what observation reports and the diff compares).
Json ufwRuleFields(const UfwRule& rule);
// The words after `ufw` that add it (`ufw allow in proto tcp from ... comment '...'`); prefix
// with "delete" to remove it, or "insert N" to put it at position N.
std::vector<std::string> ufwRuleArgs(const UfwRule& rule);

// How ufw stores a spec's address: "any", or the network with host bits cleared.
std::string normalizeAddress(const std::string& text);

}  // namespace hx
