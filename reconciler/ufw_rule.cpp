#include "reconciler/ufw_rule.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace hx {

std::optional<Network> parseNetwork(const std::string& text) {
  Network n;
  std::string addr = text;
  auto slash = text.find('/');
  n.v6 = text.find(':') != std::string::npos;
  int bits = n.v6 ? 128 : 32;
  n.prefix = bits;
  if (slash != std::string::npos) {
    addr = text.substr(0, slash);
    std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return {};
    n.prefix = std::stoi(p);
    if (n.prefix > bits) return {};
  }
  if (inet_pton(n.v6 ? AF_INET6 : AF_INET, addr.c_str(), n.bytes) != 1) return {};
  // Clear the host bits, as ufw does.
  int size = n.v6 ? 16 : 4;
  for (int i = 0; i < size; ++i) {
    int keep = std::clamp(n.prefix - i * 8, 0, 8);
    n.bytes[i] &= static_cast<unsigned char>(0xff << (8 - keep));
  }
  return n;
}

std::string formatNetwork(const Network& n) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(n.v6 ? AF_INET6 : AF_INET, n.bytes, buf, sizeof buf);
  std::string s = buf;
  if (n.prefix != (n.v6 ? 128 : 32)) s += "/" + std::to_string(n.prefix);
  return s;
}

bool contains(const Network& outer, const Network& inner) {
  if (outer.v6 != inner.v6 || outer.prefix > inner.prefix) return false;
  for (int i = 0; i < outer.prefix / 8 + 1 && i < 16; ++i) {
    int keep = std::clamp(outer.prefix - i * 8, 0, 8);
    auto mask = static_cast<unsigned char>(0xff << (8 - keep));
    if ((outer.bytes[i] & mask) != (inner.bytes[i] & mask)) return false;
  }
  return true;
}

bool overlaps(const Network& a, const Network& b) { return contains(a, b) || contains(b, a); }

std::string normalizeAddress(const std::string& text) {
  if (text.empty() || text == "any") return "any";
  auto n = parseNetwork(text);
  return n ? formatNetwork(*n) : text;
}

namespace {

bool isZeroNet(const std::string& a) { return a == "0.0.0.0/0" || a == "::/0"; }

// Settles which tables a rule lives in and how its addresses read, the way ufw stores them: an
// address-less rule is in both tables; 0.0.0.0/0 next to a real network is just "any"; a rule
// whose only address is 0.0.0.0/0 (or ::/0) lives in one table and keeps it, as "from".
void settleFamilies(UfwRule& r) {
  r.from = normalizeAddress(r.from);
  r.to = normalizeAddress(r.to);
  auto specific = [](const std::string& a) { return a != "any" && !isZeroNet(a); };
  if (r.from == "any" && r.to == "any") {
    r.v4 = r.v6 = true;
    return;
  }
  const std::string& decider = specific(r.from) ? r.from : specific(r.to) ? r.to : "";
  if (!decider.empty()) {
    r.v6 = decider.find(':') != std::string::npos;
    r.v4 = !r.v6;
    if (isZeroNet(r.from)) r.from = "any";
    if (isZeroNet(r.to)) r.to = "any";
    return;
  }
  // Only zero networks (and "any"): one table, written as from.
  std::string zero = isZeroNet(r.from) ? r.from : r.to;
  r.v6 = zero == "::/0";
  r.v4 = !r.v6;
  r.from = zero;
  r.to = "any";
}

}  // namespace

std::string UfwRule::key() const {
  std::string k = action + " " + direction;
  if (!interface.empty()) k += " on " + interface;
  if (!log.empty()) k += " " + log;
  k += " " + proto + " from " + from;
  if (!fromPort.empty()) k += " port " + fromPort;
  k += " to " + to;
  if (!port.empty()) k += " port " + port;
  return k;
}

UfwRule ufwRuleFromSpec(const Json& spec) {
  UfwRule r;
  r.action = spec.value("action", "allow");
  r.direction = spec.value("direction", "in");
  r.interface = spec.value("interface", "");
  r.proto = spec.value("proto", "any");
  r.from = spec.value("from", "any");
  r.to = spec.value("to", "any");
  if (spec.contains("port")) {
    r.port = spec["port"].is_number() ? std::to_string(spec["port"].get<int>())
                                      : spec["port"].get<std::string>();
    std::replace(r.port.begin(), r.port.end(), '-', ':');
  }
  r.comment = spec.value("comment", "");
  r.log = spec.value("log", "");
  r.fromPort = spec.value("fromPort", "");
  settleFamilies(r);
  return r;
}

Json ufwRuleFields(const UfwRule& r) {
  Json f = {{"action", r.action},
            {"direction", r.direction},
            {"proto", r.proto},
            {"from", r.from},
            {"to", r.to}};
  if (!r.interface.empty()) f["interface"] = r.interface;
  if (!r.port.empty()) {
    if (r.port.find(':') == std::string::npos && r.port.find(',') == std::string::npos)
      f["port"] = std::stoi(r.port);
    else
      f["port"] = r.port;
  }
  if (!r.fromPort.empty()) f["fromPort"] = r.fromPort;
  if (!r.log.empty()) f["log"] = r.log;
  if (!r.comment.empty()) f["comment"] = r.comment;
  return f;
}

std::vector<std::string> ufwRuleArgs(const UfwRule& r) {
  std::vector<std::string> a = {r.action, r.direction};
  if (!r.interface.empty()) a.insert(a.end(), {"on", r.interface});
  if (!r.log.empty()) a.push_back(r.log);
  if (r.proto != "any") a.insert(a.end(), {"proto", r.proto});
  a.insert(a.end(), {"from", r.from});
  if (!r.fromPort.empty()) a.insert(a.end(), {"port", r.fromPort});
  a.insert(a.end(), {"to", r.to});
  if (!r.port.empty()) a.insert(a.end(), {"port", r.port});
  if (!r.comment.empty()) a.insert(a.end(), {"comment", r.comment});
  return a;
}

}  // namespace hx
