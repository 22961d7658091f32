// UFW rules as hxctl compares them: normalisation, tuple parsing, the lockout guard and the
// portExposure check. Pure; the real ufw is exercised in test_ufw_e2e.cpp.
#include <catch2/catch.hpp>

#include "reconciler/firewall_guard.h"
#include "reconciler/ufw_rule.h"
#include "src/providers/ufw/ufw_provider.h"
#include "src/providers/ufw/ufw_snapshot.h"

using namespace hx;

namespace {

// What `tail -n +1` prints for a host, as captured from ufw 0.36.2 in a namespace.
const char* kFiles = R"(==> /etc/ufw/ufw.conf <==
# /etc/ufw/ufw.conf
ENABLED=yes
LOGLEVEL=low

==> /etc/default/ufw <==
IPV6=yes
DEFAULT_INPUT_POLICY="DROP"
DEFAULT_OUTPUT_POLICY="ACCEPT"
DEFAULT_FORWARD_POLICY="DROP"

==> /etc/ufw/user.rules <==
*filter
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 10.9.0.0/24 in comment=7373682066726f6d206f7073
-A ufw-user-input -p tcp --dport 22 -s 10.9.0.0/24 -j ACCEPT

### tuple ### allow tcp 8000:8010 0.0.0.0/0 any 0.0.0.0/0 in comment=7765622072616e6765
### tuple ### limit tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in
### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in_lo
### tuple ### route:allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1
### tuple ### allow tcp 82 0.0.0.0/0 any 0.0.0.0/0 in
### END RULES ###
COMMIT

==> /etc/ufw/user6.rules <==
### RULES ###
### tuple ### deny tcp 8080 ::/0 any 2001:db8::/32 in
### tuple ### allow tcp 8000:8010 ::/0 any ::/0 in comment=7765622072616e6765
### tuple ### limit tcp 2222 ::/0 any ::/0 in
### tuple ### allow any any ::/0 any ::/0 in_lo
### END RULES ###
)";

Json spec(const std::string& yamlish) { return Json::parse(yamlish); }

}  // namespace

TEST_CASE("ufw: addresses are normalised as ufw stores them", "[ufw]") {
  CHECK(normalizeAddress("10.0.0.7/24") == "10.0.0.0/24");
  CHECK(normalizeAddress("10.0.0.1/32") == "10.0.0.1");
  CHECK(normalizeAddress("2001:DB8:0:0::1/128") == "2001:db8::1");
  CHECK(normalizeAddress("2001:db8::ff/32") == "2001:db8::/32");
  CHECK(normalizeAddress("any") == "any");
  auto a = parseNetwork("192.168.10.0/24"), b = parseNetwork("192.168.10.128/25");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(contains(*a, *b));
  CHECK_FALSE(contains(*b, *a));
  CHECK(overlaps(*a, *b));
  CHECK_FALSE(overlaps(*a, *parseNetwork("192.168.11.0/24")));
}

TEST_CASE("ufw: a spec becomes one normalised rule whatever way it is written", "[ufw]") {
  UfwRule a =
      ufwRuleFromSpec(spec(R"({"action":"allow","from":"10.0.0.7/24","port":22,"proto":"tcp"})"));
  UfwRule b = ufwRuleFromSpec(spec(
      R"({"action":"allow","direction":"in","from":"10.0.0.0/24","to":"0.0.0.0/0","port":"22","proto":"tcp"})"));
  CHECK(a.key() == b.key());
  CHECK(a.key() == "allow in tcp from 10.0.0.0/24 to any port 22");
  CHECK(a.v4);
  CHECK_FALSE(a.v6);
  UfwRule both = ufwRuleFromSpec(spec(R"({"action":"limit","port":2222,"proto":"tcp"})"));
  CHECK(both.v4);
  CHECK(both.v6);
  // 0.0.0.0/0 alone is IPv4 only, not "any": ufw stores it in user.rules alone.
  UfwRule v4only =
      ufwRuleFromSpec(spec(R"({"action":"allow","from":"0.0.0.0/0","port":82,"proto":"tcp"})"));
  CHECK(v4only.key() == "allow in tcp from 0.0.0.0/0 to any port 82");
  CHECK_FALSE(v4only.v6);
  UfwRule range = ufwRuleFromSpec(spec(R"({"action":"allow","port":"8000-8010","proto":"tcp"})"));
  CHECK(range.port == "8000:8010");
  CHECK(ufwRuleArgs(range) == std::vector<std::string>{"allow", "in", "proto", "tcp", "from", "any",
                                                       "to", "any", "port", "8000:8010"});
  UfwRule lo = ufwRuleFromSpec(spec(R"({"action":"allow","interface":"lo","comment":"it's lo"})"));
  CHECK(ufwRuleArgs(lo) == std::vector<std::string>{"allow", "in", "on", "lo", "from", "any", "to",
                                                    "any", "comment", "it's lo"});
}

TEST_CASE("ufw: the rule files are read as tuples, paired across IPv4 and IPv6, in ufw's order",
          "[ufw]") {
  auto parsed = parseUfwSnapshot(kFiles);
  REQUIRE(parsed);
  const UfwSnapshot& s = parsed.value();
  CHECK(s.enabled);
  CHECK(s.logging == "low");
  CHECK(s.incoming == "deny");
  CHECK(s.outgoing == "allow");
  CHECK(s.v4Count == 6);
  CHECK(s.v6Count == 4);
  REQUIRE(s.skipped.size() == 1);  // the route rule is left alone
  std::vector<std::string> keys;
  for (const auto& r : s.rules) keys.push_back(r.key());
  CHECK(keys == std::vector<std::string>{
                    "allow in tcp from 10.9.0.0/24 to any port 22",
                    "allow in tcp from any to any port 8000:8010",
                    "limit in tcp from any to any port 2222",
                    "allow in on lo any from any to any",
                    "allow in tcp from 0.0.0.0/0 to any port 82",  // no IPv6 twin: IPv4 only
                    "deny in tcp from 2001:db8::/32 to any port 8080",
                });
  CHECK(s.rules[0].comment == "ssh from ops");
  CHECK(s.rules[1].comment == "web range");
  CHECK(s.positions == std::vector<int>{1, 2, 3, 4, 6, 7});  // IPv6 rules count after IPv4
  auto objects = ufwRuleObjects(s, "fw");
  CHECK(objects[0].fields["port"] == 22);
  CHECK(objects[1].fields["port"] == "8000:8010");
  CHECK(objects[5].fields["position"] == 7);
  ObservedObject state = ufwStateObject(s, "fw");
  CHECK(state.fields["defaults"]["incoming"] == "deny");
  CHECK(state.fields["enabled"] == true);
}

TEST_CASE("ufw: unreadable rule files are an error that says what is missing", "[ufw]") {
  auto parsed = parseUfwSnapshot("tail: cannot open '/etc/ufw/user.rules'\n");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.status().message().find("/etc/ufw/user.rules") != std::string::npos);
}

TEST_CASE("ufw: the commands for a change are the fewest, and none when nothing differs", "[ufw]") {
  Json seen = {{"enabled", false},
               {"defaults", {{"incoming", "deny"}, {"outgoing", "allow"}}},
               {"logging", "low"}};
  Json want = {{"enabled", true}, {"defaults", {{"incoming", "deny"}}}, {"logging", "low"}};
  CHECK(UfwHost::stateCommands(want, seen) ==
        std::vector<std::vector<std::string>>{{"--force", "enable"}});
  seen["enabled"] = true;
  CHECK(UfwHost::stateCommands(want, seen).empty());  // no `default` or `logging` re-issued
  want["defaults"]["incoming"] = "reject";
  want["logging"] = "medium";
  CHECK(UfwHost::stateCommands(want, seen) ==
        std::vector<std::vector<std::string>>{{"default", "reject", "incoming"},
                                              {"logging", "medium"}});

  PlanAction create;
  create.type = ActionType::kCreate;
  create.desired = {{"action", "allow"}, {"port", 22}, {"proto", "tcp"}, {"position", 1}};
  CHECK(UfwHost::ruleCommands(create, 3, 6).at(0) ==
        std::vector<std::string>{"insert", "1", "allow", "in", "proto", "tcp", "from", "any", "to",
                                 "any", "port", "22"});
  CHECK(UfwHost::ruleCommands(create, 0, 0).at(0).at(0) == "allow");  // empty: append
  PlanAction recomment = create;
  recomment.type = ActionType::kUpdate;
  recomment.desired.erase("position");
  recomment.desired["comment"] = "new";
  recomment.observed = {
      {"action", "allow"}, {"port", 22}, {"proto", "tcp"}, {"comment", "old"}, {"position", 2}};
  auto cmds = UfwHost::ruleCommands(recomment, 3, 6);
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0] == std::vector<std::string>{"delete", "allow", "in", "proto", "tcp", "from", "any",
                                            "to", "any", "port", "22"});
  CHECK(cmds[1].at(0) == "insert");  // back where it was
  CHECK(cmds[1].at(1) == "2");
  CHECK(cmds[1].back() == "new");
}

TEST_CASE("ufw: the lockout guard follows first-match order and the default policy", "[ufw]") {
  auto rule = [](const std::string& j) { return ufwRuleFromSpec(Json::parse(j)); };
  FirewallOutcome fw;
  fw.enabled = true;
  fw.incoming = "deny";
  CHECK(sshLockout(fw, 22, "10.9.0.0/24") ==
        "SSH (22/tcp) from 10.9.0.0/24 would be unreachable: the default incoming policy is deny "
        "and no rule allows it");
  fw.rules.push_back(rule(R"({"action":"allow","from":"10.9.0.128/25","port":22,"proto":"tcp"})"));
  CHECK(sshLockout(fw, 22, "10.9.0.0/24").has_value());  // half the network is not enough
  fw.rules.push_back(
      rule(R"({"action":"allow","from":"10.0.0.0/8","port":"20:30","proto":"tcp"})"));
  CHECK_FALSE(sshLockout(fw, 22, "10.9.0.0/24").has_value());
  fw.rules.insert(fw.rules.begin(),
                  rule(R"({"action":"deny","from":"10.9.0.7","port":22,"proto":"tcp"})"));
  CHECK(sshLockout(fw, 22, "10.9.0.0/24") ==
        "SSH (22/tcp) from 10.9.0.0/24 would be blocked by rule 1 (deny in tcp from 10.9.0.7 to "
        "any port 22)");
  fw.enabled = false;
  CHECK_FALSE(sshLockout(fw, 22, "10.9.0.0/24").has_value());  // a disabled firewall blocks nothing
  FirewallOutcome open;
  open.enabled = true;
  open.incoming = "allow";
  CHECK_FALSE(sshLockout(open, 22, "any").has_value());
  FirewallOutcome v4only;
  v4only.enabled = true;
  v4only.rules.push_back(rule(R"({"action":"allow","from":"0.0.0.0/0","port":22,"proto":"tcp"})"));
  CHECK(sshLockout(v4only, 22, "any").has_value());  // IPv6 operators would be shut out
}

TEST_CASE("ufw: portExposure passes only when the port is open to exactly that network", "[ufw]") {
  auto rule = [](const std::string& j) { return ufwRuleFromSpec(Json::parse(j)); };
  FirewallOutcome fw;
  fw.enabled = true;
  fw.incoming = "deny";
  fw.rules.push_back(
      rule(R"({"action":"allow","from":"192.168.10.0/24","port":6333,"proto":"tcp"})"));
  ExposureVerdict ok = portExposure(fw, 6333, "tcp", "192.168.10.0/24");
  CHECK(ok.pass);
  CHECK(ok.value == "6333/tcp allowed from 192.168.10.0/24 only");
  ExposureVerdict missing = portExposure(fw, 6334, "tcp", "192.168.10.0/24");
  CHECK_FALSE(missing.pass);
  CHECK(missing.detail == "no rule allows it from 192.168.10.0/24");
  fw.rules.push_back(rule(R"({"action":"allow","port":6333,"proto":"tcp"})"));
  ExposureVerdict wide = portExposure(fw, 6333, "tcp", "192.168.10.0/24");
  CHECK_FALSE(wide.pass);
  CHECK(wide.value == "6333/tcp allowed from any");
  fw.rules.pop_back();
  fw.enabled = false;
  CHECK_FALSE(portExposure(fw, 6333, "tcp", "192.168.10.0/24").pass);
  fw.enabled = true;
  fw.incoming = "allow";
  CHECK(portExposure(fw, 6333, "tcp", "192.168.10.0/24").detail ==
        "the default incoming policy is allow");
}

TEST_CASE(
    "ufw: rules bound to an interface count in portExposure and the lockout guard, loopback's "
    "excepted",
    "[ufw]") {
  // As ufw 0.36 writes `allow in on eth0 to any port 6333 proto tcp` and its kin.
  const std::string files = R"(==> /etc/ufw/ufw.conf <==
ENABLED=yes
==> /etc/default/ufw <==
IPV6=no
DEFAULT_INPUT_POLICY="DROP"
==> /etc/ufw/user.rules <==
### RULES ###
### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in_lo
### tuple ### allow tcp 6333 0.0.0.0/0 any 192.168.10.0/24 in_eth1
### tuple ### allow tcp 6333 0.0.0.0/0 any 0.0.0.0/0 in_eth0
### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth0
### tuple ### allow tcp 22 0.0.0.0/0 any 10.9.0.0/24 in
### END RULES ###
==> /etc/ufw/user6.rules <==
### RULES ###
### END RULES ###
)";
  auto parsed = parseUfwSnapshot(files);
  REQUIRE(parsed);
  FirewallOutcome fw;
  fw.enabled = true;
  fw.incoming = "deny";
  fw.rules = parsed.value().rules;
  REQUIRE(fw.rules.size() == 5);
  CHECK(fw.rules[2].key() == "allow in on eth0 tcp from any to any port 6333");
  // 6333 on eth0 from anywhere: open beyond the LAN, whatever the rule on eth1 says.
  ExposureVerdict open = portExposure(fw, 6333, "tcp", "192.168.10.0/24");
  CHECK_FALSE(open.pass);
  CHECK(open.value == "6333/tcp allowed from any on eth0");
  CHECK(open.detail ==
        "rule 3 (allow in on eth0 tcp from any to any port 6333) opens it beyond "
        "192.168.10.0/24");
  // Without it, the LAN is let in on eth1 only, and the check says where; the loopback rule
  // (every port, from anywhere) opens nothing to a network.
  fw.rules.erase(fw.rules.begin() + 2);
  ExposureVerdict bound = portExposure(fw, 6333, "tcp", "192.168.10.0/24");
  CHECK(bound.pass);
  CHECK(bound.value == "6333/tcp allowed from 192.168.10.0/24 only (on eth1)");
  // A deny on one interface ahead of the operators' allow may be theirs: the guard refuses it.
  CHECK(sshLockout(fw, 22, "10.9.0.0/24").value_or("") ==
        "SSH (22/tcp) from 10.9.0.0/24 would be blocked by rule 3 (deny in on eth0 tcp from "
        "any to any port 22)");
  // And an allow on one interface cannot be relied on to let them in.
  FirewallOutcome one;
  one.enabled = true;
  one.incoming = "deny";
  one.rules.push_back(fw.rules[0]);
  one.rules.push_back(
      ufwRuleFromSpec(Json::parse(R"({"action":"allow","from":"10.9.0.0/24","port":22,"proto":"tcp",
                      "interface":"eth0"})")));
  CHECK(sshLockout(one, 22, "10.9.0.0/24").has_value());
}
