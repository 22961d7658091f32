#include "reconciler/firewall_guard.h"

#include <set>

namespace hx {
namespace {

bool portCovers(const std::string& spec, int port) {
  if (spec.empty()) return true;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string part = spec.substr(start, comma == std::string::npos ? comma : comma - start);
    auto colon = part.find(':');
    int lo = std::stoi(part.substr(0, colon));
    int hi = colon == std::string::npos ? lo : std::stoi(part.substr(colon + 1));
    if (port >= lo && port <= hi) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

enum class Reach { kNone, kPart, kWhole };

// How much of the operators' network a rule's source covers.
Reach sourceCoverage(const UfwRule& r, const std::optional<Network>& ops) {
  bool opsV6 = ops && ops->v6;
  if (r.from == "any") {
    if (!ops) return r.v4 && r.v6 ? Reach::kWhole : Reach::kPart;
    return (opsV6 ? r.v6 : r.v4) ? Reach::kWhole : Reach::kNone;
  }
  auto from = parseNetwork(r.from);
  if (!from) return Reach::kNone;
  if (!ops) return Reach::kPart;
  if (contains(*from, *ops)) return Reach::kWhole;
  return overlaps(*from, *ops) ? Reach::kPart : Reach::kNone;
}

std::string describe(const UfwRule& r, size_t index) {
  return "rule " + std::to_string(index + 1) + " (" + r.key() + ")";
}

// Traffic in on loopback comes from the machine itself: such a rule reaches no network.
bool loopbackOnly(const UfwRule& r) { return r.interface == "lo"; }

}  // namespace

std::optional<std::string> sshLockout(const FirewallOutcome& outcome, int sshPort,
                                      const std::string& operatorNetwork) {
  if (!outcome.enabled) return std::nullopt;
  std::optional<Network> ops;
  if (operatorNetwork != "any") ops = parseNetwork(operatorNetwork);
  std::string who = "SSH (" + std::to_string(sshPort) + "/tcp) from " + operatorNetwork;
  for (size_t i = 0; i < outcome.rules.size(); ++i) {
    const UfwRule& r = outcome.rules[i];
    if (r.direction != "in" || loopbackOnly(r) || !r.fromPort.empty()) continue;
    if (r.proto != "tcp" && r.proto != "any") continue;
    if (!portCovers(r.port, sshPort)) continue;
    Reach reach = sourceCoverage(r, ops);
    if (reach == Reach::kNone) continue;
    bool denies = r.action == "deny" || r.action == "reject";
    // A rule bound to one destination address or one interface may or may not be the one
    // operators come in by: it can neither be relied on to let them in nor ignored when it shuts
    // them out.
    if (denies) return who + " would be blocked by " + describe(r, i);
    if (reach == Reach::kWhole && r.to == "any" && r.interface.empty()) return std::nullopt;
  }
  if (outcome.incoming == "allow") return std::nullopt;
  return who + " would be unreachable: the default incoming policy is " + outcome.incoming +
         " and no rule allows it";
}

ExposureVerdict portExposure(const FirewallOutcome& outcome, int port, const std::string& proto,
                             const std::string& from) {
  std::string what = std::to_string(port) + "/" + proto;
  auto fail = [&](std::string value, std::string detail) {
    return ExposureVerdict{false, std::move(value), std::move(detail)};
  };
  if (!outcome.enabled) return fail("firewall disabled", "with ufw disabled every port is open");
  auto allowed = parseNetwork(from);
  bool reached = false;
  std::set<std::string> via;  // the interfaces the allowed network is let in on, when bound
  bool unbound = false;       // ... or on every interface
  for (size_t i = 0; i < outcome.rules.size(); ++i) {
    const UfwRule& r = outcome.rules[i];
    // A rule bound to an interface (`allow in on eth0 ...`) counts as any other: it opens the
    // port on that interface, to its sources, and which networks reach an interface is not
    // hxctl's to know. Only loopback reaches no network.
    if (r.direction != "in" || loopbackOnly(r)) continue;
    if (r.proto != "any" && r.proto != proto) continue;
    if (!portCovers(r.port, port)) continue;
    bool denies = r.action == "deny" || r.action == "reject";
    auto src = r.from == "any" ? std::nullopt : parseNetwork(r.from);
    bool inside = src && allowed && contains(*allowed, *src);
    const std::string on = r.interface.empty() ? "" : " on " + r.interface;
    if (denies) {
      // First match wins: a deny covering the allowed network ahead of its allow shuts it (on
      // its interface, if bound: the network may well come in there).
      if (!reached && (!src || (allowed && contains(*src, *allowed))))
        return fail(what + " denied from " + r.from + on, describe(r, i) + " blocks " + from);
      continue;
    }
    if (!inside)
      return fail(what + " allowed from " + r.from + on,
                  describe(r, i) + " opens it beyond " + from);
    reached = true;
    if (r.interface.empty())
      unbound = true;
    else
      via.insert(r.interface);
  }
  if (!reached) return fail(what + " not allowed", "no rule allows it from " + from);
  if (outcome.incoming == "allow")
    return fail(what + " allowed from anywhere", "the default incoming policy is allow");
  std::string on;
  if (!unbound)
    for (const auto& i : via) on += (on.empty() ? " (on " : ", ") + i;
  return ExposureVerdict{
      true, what + " allowed from " + from + " only" + (on.empty() ? "" : on + ")"), ""};
}

}  // namespace hx
