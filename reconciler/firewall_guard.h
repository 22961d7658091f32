// The lockout guard: would this host's firewall, as a plan leaves it, still let the operators
// reach SSH? Pure: it reads the rules in ufw's order (first match wins) and the default policy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconciler/ufw_rule.h"

namespace hx {

struct FirewallOutcome {
  bool enabled = false;
  std::string incoming = "deny";  // default incoming policy: allow | deny | reject
  std::vector<UfwRule> rules;     // in ufw's order
};

// Why SSH (tcp `sshPort`) would be unreachable from `operatorNetwork` ("any" or a CIDR), or
// nothing when it stays reachable. A rule that allows only part of the network does not count as
// reaching it; a rule that denies any part of it locks that part out, and counts.
std::optional<std::string> sshLockout(const FirewallOutcome& outcome, int sshPort,
                                      const std::string& operatorNetwork);

// The portExposure check: is `port`/`proto` open only to `from` (a CIDR)? `value` says what was
// found ("6333/tcp allowed from 192.168.10.0/24 only"), `detail` why it fails.
struct ExposureVerdict {
  bool pass = false;
  std::string value;
  std::string detail;
};
ExposureVerdict portExposure(const FirewallOutcome& outcome, int port, const std::string& proto,
                             const std::string& from);

}  // namespace hx
