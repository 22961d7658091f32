// What one read of a host's UFW files says: the firewall's state and its rules, in ufw's order.
// hxctl reads the files ufw itself reads (ufw.conf, /etc/default/ufw, user.rules, user6.rules)
// in one command per plan, instead of running ufw: observing makes no ufw call at all.
#pragma once

#include <string>
#include <vector>

#include "reconciler/observed.h"
#include "reconciler/status.h"
#include "reconciler/ufw_rule.h"

namespace hx {

struct UfwSnapshot {
  bool enabled = false;
  std::string logging = "off";
  std::string incoming = "deny", outgoing = "allow", routed = "deny";
  bool ipv6 = true;
  int v4Count = 0;                   // tuples in user.rules (ufw numbers IPv6 rules after them)
  int v6Count = 0;                   // tuples in user6.rules
  std::vector<UfwRule> rules;        // in ufw's order
  std::vector<int> positions;        // ufw's number for each rule
  std::vector<std::string> skipped;  // route and application rules hxctl leaves alone
};

// The files, in the order they are read, so one command prints them all with headers.
const std::vector<std::string>& ufwFiles();

// Parses `tail -n +1 FILES...` output ("==> FILE <==" headers). Pure.
Result<UfwSnapshot> parseUfwSnapshot(const std::string& text);

// As the providers report them: FirewallRule objects and the host's Firewall object.
std::vector<ObservedObject> ufwRuleObjects(const UfwSnapshot& s, const std::string& host);
ObservedObject ufwStateObject(const UfwSnapshot& s, const std::string& host);

}  // namespace hx
