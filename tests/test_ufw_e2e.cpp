// hxctl against the real ufw, in network namespaces these tests create and remove (run as root;
// skipped with the reason otherwise). Host health comes from hx-sim's Qdrant on loopback.
#include <catch2/catch.hpp>
#include <regex>

#include "cli_harness.h"
#include "sim_process.h"
#include "ufw_namespace.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::Run;
using hx::test::SimProcess;
using hx::test::UfwNamespace;

namespace {

std::string fwHost(const SimProcess& sim, const UfwNamespace& ns, const std::string& extra = "") {
  return "---\napiVersion: hx/v1\nkind: Host\nmetadata: {name: fw}\nspec:\n"
         "  address: 127.0.0.1\n  api: {type: qdrant, url: \"" +
         sim.url(0) + "\"}\n  firewall:\n    manager: ufw\n    exec: " + ns.execYaml() +
         "\n    defaults: {incoming: deny, outgoing: allow}\n    logging: low\n"
         "    sshPort: 22\n    operatorNetwork: 10.9.0.0/24\n" +
         extra;
}

std::string rule(const std::string& name, const std::string& body) {
  return "---\napiVersion: hx/v1\nkind: FirewallRule\nmetadata: {name: " + name +
         "}\nspec: {host: fw, " + body + "}\n";
}

const std::string kSsh =
    rule("ssh", "action: allow, from: 10.9.0.0/24, port: 22, proto: tcp, comment: ssh from ops");

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "ufw: a spec's rules (IPv6, port ranges, comments, deny, limit, outgoing) are applied for "
    "real and read back, and a second apply makes no ufw call at all",
    "[ufw][root]") {
  UfwNamespace ns("a");
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-apply"));
  CliHarness h("ufw-apply", HX_BIN);
  h.writeSpec("estate.yaml",
              fwHost(sim, ns) + kSsh +
                  rule("web", "action: allow, port: 8000-8010, proto: tcp, comment: web range") +
                  rule("v6deny", "action: deny, from: \"2001:db8::/32\", port: 8080, proto: tcp") +
                  rule("brute", "action: limit, port: 2222, proto: tcp") +
                  rule("smtp", "action: reject, direction: out, port: 25, proto: tcp"));
  Run plan = h.run("plan -f specs");
  INFO(plan.out << plan.err);
  CHECK(has(plan.out,
            "ufw allow in proto tcp from 10.9.0.0/24 to any port 22 comment 'ssh from ops'"));
  CHECK(has(plan.out, "ufw --force enable"));
  CHECK(ns.calls().empty());  // planning runs no ufw

  Run apply = h.run("apply -f specs");
  INFO(apply.out << apply.err);
  CHECK(apply.code == 0);
  std::string t = ns.tuples();
  INFO(t);
  // ufw's own record, comments hex-encoded as ufw writes them.
  CHECK(has(
      t,
      "### tuple ### allow tcp 22 0.0.0.0/0 any 10.9.0.0/24 in comment=7373682066726f6d206f7073"));
  CHECK(has(
      t,
      "### tuple ### allow tcp 8000:8010 0.0.0.0/0 any 0.0.0.0/0 in comment=7765622072616e6765"));
  CHECK(has(t, "### tuple ### allow tcp 8000:8010 ::/0 any ::/0 in comment=7765622072616e6765"));
  CHECK(has(t, "### tuple ### deny tcp 8080 ::/0 any 2001:db8::/32 in"));
  CHECK(has(t, "### tuple ### limit tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in"));
  CHECK(has(t, "### tuple ### reject tcp 25 0.0.0.0/0 any 0.0.0.0/0 out"));
  std::string status = ns.ufw("status verbose");
  CHECK(has(status, "Status: active"));
  CHECK(has(status, "Default: deny (incoming), allow (outgoing)"));
  // Five rules and one enable; nothing re-issued that was already as wanted (default, logging).
  std::vector<std::string> calls = ns.calls();
  CHECK(calls.size() == 6);
  CHECK(calls.back() == "--force enable");
  for (const auto& c : calls) CHECK_FALSE(has(c, "default"));

  Run again = h.run("apply -f specs");
  CHECK(again.code == 0);
  CHECK(has(again.out, "No changes."));
  CHECK(ns.calls().size() == 6);  // the second apply made no ufw call
}

TEST_CASE(
    "ufw: drift is corrected: a rule deleted by hand comes back, a hand-added rule survives, and "
    "goes only when the rule set is exclusive and --prune is given",
    "[ufw][root]") {
  UfwNamespace ns("d");
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-drift"));
  CliHarness h("ufw-drift", HX_BIN);
  std::string rules = kSsh + rule("web", "action: allow, port: 8080, proto: tcp");
  h.writeSpec("estate.yaml", fwHost(sim, ns) + rules);
  REQUIRE(h.run("apply -f specs").code == 0);
  ns.ufw("delete allow 8080/tcp");
  ns.ufw("allow 9999/udp");
  size_t before = ns.calls().size();
  Run plan = h.run("plan -f specs");
  INFO(plan.out);
  CHECK(has(plan.out, "+ FirewallRule/web"));
  CHECK_FALSE(has(plan.out, "9999"));  // not hxctl's, and the rule set is not exclusive
  REQUIRE(h.run("apply -f specs").code == 0);
  CHECK(has(ns.tuples(), "allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in"));
  CHECK(has(ns.tuples(), "allow udp 9999"));
  CHECK(ns.calls().size() == before + 1);  // one call restores it

  h.writeSpec("estate.yaml", fwHost(sim, ns, "    exclusive: true\n") + rules);
  Run noPrune = h.run("plan -f specs");
  CHECK(has(noPrune.out, "? FirewallRule/(unmanaged) allow in udp from any to any port 9999"));
  CHECK(has(noPrune.out, "re-run with --prune to delete it"));
  Run pruned = h.run("apply -f specs --prune");
  INFO(pruned.out << pruned.err);
  CHECK(pruned.code == 0);
  CHECK_FALSE(has(ns.tuples(), "9999"));
  CHECK(has(ns.tuples(), "allow tcp 8080"));
  CHECK(ns.calls().back() == "delete allow in proto udp from any to any port 9999");
}

TEST_CASE(
    "ufw: rule order follows the spec's positions, a moved rule goes back to its place, and a "
    "new comment keeps the rule where it is",
    "[ufw][root]") {
  UfwNamespace ns("o");
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-order"));
  CliHarness h("ufw-order", HX_BIN);
  auto spec = [&](const std::string& comment) {
    return fwHost(sim, ns) +
           rule("ssh", "action: allow, from: 10.9.0.0/24, port: 22, proto: tcp, position: 1") +
           rule("blockdb",
                "action: deny, from: 10.9.0.66, port: 5432, proto: tcp, position: 2, "
                "comment: " +
                    comment) +
           rule("db", "action: allow, from: 10.9.0.0/24, port: 5432, proto: tcp, position: 3");
  };
  h.writeSpec("estate.yaml", spec("one bad host"));
  Run first = h.run("apply -f specs");
  INFO(first.out << first.err);
  REQUIRE(first.code == 0);
  auto order = [&] {
    std::string t = ns.tuples();
    return std::vector<size_t>{t.find(" 22 "), t.find("5432 0.0.0.0/0 any 10.9.0.66"),
                               t.find("5432 0.0.0.0/0 any 10.9.0.0/24")};
  };
  auto o = order();
  CHECK(o[0] < o[1]);
  CHECK(o[1] < o[2]);  // the deny for one host comes before the allow for its network

  ns.ufw("insert 1 allow 7777/tcp");  // someone puts a rule on top
  Run moved = h.run("plan -f specs");
  INFO(moved.out);
  CHECK(has(moved.out, "position: 2 -> 1"));
  REQUIRE(h.run("apply -f specs").code == 0);
  CHECK(has(h.run("plan -f specs").out, "No changes."));
  std::string t = ns.tuples();
  CHECK(t.find(" 22 ") < t.find("7777"));  // back on top; the hand-made rule is kept
  CHECK(has(t, "7777"));

  h.writeSpec("estate.yaml", spec("the reporting box"));
  Run recomment = h.run("apply -f specs");
  INFO(recomment.out);
  CHECK(has(recomment.out, "comment: \"one bad host\" -> \"the reporting box\""));
  o = order();
  CHECK(o[0] < o[1]);
  CHECK(o[1] < o[2]);
  CHECK(has(ns.tuples(), "comment=746865207265706f7274696e6720626f78"));
}

TEST_CASE(
    "ufw: the lockout guard refuses a default-deny firewall without SSH and a change that cuts "
    "the operators off, changes nothing, explains, and --force overrides",
    "[ufw][root]") {
  UfwNamespace ns("l");
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-lockout"));
  CliHarness h("ufw-lockout", HX_BIN);
  h.writeSpec("estate.yaml",
              fwHost(sim, ns) + rule("web", "action: allow, port: 8080, proto: tcp"));
  Run refused = h.run("apply -f specs");
  INFO(refused.out << refused.err);
  CHECK(refused.code == 5);
  CHECK(has(refused.out,
            "refused: SSH (22/tcp) from 10.9.0.0/24 would be unreachable: the default incoming "
            "policy is deny and no rule allows it; no firewall change on fw is made. Re-run with "
            "--force to apply anyway"));
  CHECK(ns.calls().empty());
  CHECK(has(ns.ufw("status"), "Status: inactive"));

  h.writeSpec("estate.yaml",
              fwHost(sim, ns) + kSsh + rule("web", "action: allow, port: 8080, proto: tcp"));
  REQUIRE(h.run("apply -f specs").code == 0);
  CHECK(has(ns.ufw("status"), "Status: active"));
  size_t calls = ns.calls().size();
  // Moving SSH to another network would cut off the operators' one.
  h.writeSpec("estate.yaml",
              fwHost(sim, ns) +
                  rule("ssh", "action: allow, from: 10.8.0.0/24, port: 22, proto: tcp") +
                  rule("web", "action: allow, port: 8080, proto: tcp"));
  Run cut = h.run("apply -f specs");
  INFO(cut.out);
  CHECK(cut.code == 5);
  CHECK(has(cut.out, "! FirewallRule/ssh"));
  CHECK(has(cut.out, "would be unreachable"));
  CHECK(ns.calls().size() == calls);
  CHECK(has(ns.tuples(), "10.9.0.0/24"));

  Run forced = h.run("apply -f specs --force");
  INFO(forced.out << forced.err);
  CHECK(forced.code == 0);
  CHECK(has(ns.tuples(), "allow tcp 22 0.0.0.0/0 any 10.8.0.0/24 in"));
  CHECK_FALSE(has(ns.tuples(), "10.9.0.0/24"));
}

TEST_CASE(
    "ufw: a rule ufw rejects fails alone: the others are applied and the firewall is never left "
    "disabled",
    "[ufw][root]") {
  UfwNamespace ns("f");
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-fail"));
  CliHarness h("ufw-fail", HX_BIN);
  h.writeSpec("estate.yaml", fwHost(sim, ns) + kSsh);
  REQUIRE(h.run("apply -f specs").code == 0);
  h.writeSpec("estate.yaml", fwHost(sim, ns) + kSsh +
                                 rule("bad", "action: allow, port: 4444, proto: tcp") +
                                 rule("good", "action: allow, port: 5555, proto: tcp"));
  Run r = h.run("apply -f specs");
  INFO(r.out << r.err);
  CHECK(r.code == 5);
  CHECK(has(r.out + r.err, "ERROR: injected failure for port 4444"));
  CHECK(has(ns.tuples(), "allow tcp 5555"));
  CHECK_FALSE(has(ns.tuples(), "4444"));
  CHECK(has(ns.ufw("status"), "Status: active"));
  for (const auto& c : ns.calls()) CHECK_FALSE(has(c, "disable"));
}
