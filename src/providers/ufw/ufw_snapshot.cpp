#include "src/providers/ufw/ufw_snapshot.h"

#include <sstream>

#include "reconciler/kinds.h"
#include "src/platform/jwt.h"

namespace hx {
namespace {

std::string unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return v;
}

std::string policyName(const std::string& iptables) {
  if (iptables == "ACCEPT") return "allow";
  if (iptables == "REJECT") return "reject";
  return "deny";
}

struct Tuple {
  UfwRule rule;
  bool zeroBoth = false;  // both addresses 0.0.0.0/0 or ::/0: one half of an "any" rule
  bool paired = false;
  int number = 0;  // within its table
};

// "### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.0/8 in_eth0 comment=6869"
bool parseTuple(const std::string& line, Tuple* t, std::string* skipped) {
  std::istringstream in(line.substr(std::string("### tuple ###").size()));
  std::vector<std::string> w;
  for (std::string word; in >> word;) w.push_back(word);
  std::string comment;
  if (!w.empty() && w.back().rfind("comment=", 0) == 0) {
    // ufw keeps comments hex-encoded; one that is not hex is kept as written.
    comment = fromHex(w.back().substr(8)).value_or(w.back().substr(8));
    w.pop_back();
  }
  if (w.size() != 7 || w[0].rfind("route:", 0) == 0 || w[6].find('!') != std::string::npos) {
    *skipped = line;  // route rules and application-profile rules: not hxctl's to manage
    return false;
  }
  UfwRule& r = t->rule;
  r.action = w[0];
  auto underscore = w[0].find('_');
  if (underscore != std::string::npos) {
    r.action = w[0].substr(0, underscore);
    r.log = w[0].substr(underscore + 1);
  }
  r.proto = w[1];
  r.port = w[2] == "any" ? "" : w[2];
  r.to = w[3];
  r.fromPort = w[4] == "any" ? "" : w[4];
  r.from = w[5];
  auto dir = w[6].find('_');
  r.direction = w[6].substr(0, dir);
  if (dir != std::string::npos) r.interface = w[6].substr(dir + 1);
  r.comment = comment;
  auto zero = [](const std::string& a) { return a == "0.0.0.0/0" || a == "::/0"; };
  t->zeroBoth = zero(r.from) && zero(r.to);
  return true;
}

}  // namespace

const std::vector<std::string>& ufwFiles() {
  static const std::vector<std::string> kFiles = {"/etc/ufw/ufw.conf", "/etc/default/ufw",
                                                  "/etc/ufw/user.rules", "/etc/ufw/user6.rules"};
  return kFiles;
}

Result<UfwSnapshot> parseUfwSnapshot(const std::string& text) {
  UfwSnapshot s;
  std::istringstream in(text);
  std::string line, file;
  std::vector<Tuple> v4, v6;
  bool sawRules = false;
  while (std::getline(in, line)) {
    if (line.rfind("==> ", 0) == 0 && line.size() > 8 && line.substr(line.size() - 4) == " <==") {
      file = line.substr(4, line.size() - 8);
      sawRules |= file == "/etc/ufw/user.rules";
      continue;
    }
    auto eq = line.find('=');
    std::string key = eq == std::string::npos ? "" : line.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : unquote(line.substr(eq + 1));
    if (file == "/etc/ufw/ufw.conf") {
      if (key == "ENABLED") s.enabled = value == "yes";
      if (key == "LOGLEVEL") s.logging = value;
    } else if (file == "/etc/default/ufw") {
      if (key == "IPV6") s.ipv6 = value == "yes";
      if (key == "DEFAULT_INPUT_POLICY") s.incoming = policyName(value);
      if (key == "DEFAULT_OUTPUT_POLICY") s.outgoing = policyName(value);
      if (key == "DEFAULT_FORWARD_POLICY") s.routed = policyName(value);
    } else if (line.rfind("### tuple ###", 0) == 0) {
      bool six = file == "/etc/ufw/user6.rules";
      std::vector<Tuple>& table = six ? v6 : v4;
      int number = six ? ++s.v6Count : ++s.v4Count;
      Tuple t;
      std::string skipped;
      if (!parseTuple(line, &t, &skipped)) {
        s.skipped.push_back(skipped);
        continue;
      }
      t.rule.v4 = !six;
      t.rule.v6 = six;
      t.number = number;
      table.push_back(t);
    }
  }
  if (!sawRules)
    return Status::error(ErrorKind::kUnavailable,
                         "cannot read /etc/ufw/user.rules: is ufw installed on this host?");
  // An address-less rule is stored twice, once per table: report it once, in both families.
  for (auto& six : v6) {
    if (!six.zeroBoth) continue;
    for (auto& four : v4) {
      if (four.paired || !four.zeroBoth) continue;
      UfwRule a = four.rule, b = six.rule;
      a.from = b.from = a.to = b.to = "any";
      a.v4 = b.v4 = a.v6 = b.v6 = true;
      if (!(a == b)) continue;
      four.paired = six.paired = true;
      break;
    }
  }
  for (auto& t : v4) {
    UfwRule r = t.rule;
    // With IPv6 off, ufw stores an address-less rule in user.rules alone.
    if (t.paired || (!s.ipv6 && t.zeroBoth)) r.from = r.to = "any";
    s.rules.push_back(ufwRuleFromSpec(ufwRuleFields(r)));
    s.positions.push_back(t.number);
  }
  for (auto& t : v6) {
    if (t.paired) continue;
    s.rules.push_back(ufwRuleFromSpec(ufwRuleFields(t.rule)));
    s.positions.push_back(s.v4Count + t.number);
  }
  return s;
}

std::vector<ObservedObject> ufwRuleObjects(const UfwSnapshot& s, const std::string& host) {
  std::vector<ObservedObject> out;
  for (size_t i = 0; i < s.rules.size(); ++i) {
    Json fields = ufwRuleFields(s.rules[i]);
    fields["host"] = host;
    fields["position"] = s.positions[i];
    out.push_back(ObservedObject{kind::kFirewallRule, host, s.rules[i].key(), fields});
  }
  return out;
}

ObservedObject ufwStateObject(const UfwSnapshot& s, const std::string& host) {
  Json fields = {{"host", host},
                 {"enabled", s.enabled},
                 {"defaults", {{"incoming", s.incoming}, {"outgoing", s.outgoing}}},
                 {"logging", s.logging}};
  return ObservedObject{kind::kFirewall, host, "ufw", fields};
}

}  // namespace hx
