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

  Run apply = h.run("apply --auto-approve -f specs");
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

  Run again = h.run("apply --auto-approve -f specs");
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
  REQUIRE(h.run("apply --auto-approve -f specs").code == 0);
  ns.ufw("delete allow 8080/tcp");
  ns.ufw("allow 9999/udp");
  size_t before = ns.calls().size();
  Run plan = h.run("plan -f specs");
  INFO(plan.out);
  CHECK(has(plan.out, "+ FirewallRule/web"));
  CHECK_FALSE(has(plan.out, "9999"));  // not hxctl's, and the rule set is not exclusive
  REQUIRE(h.run("apply --auto-approve -f specs").code == 0);
  CHECK(has(ns.tuples(), "allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in"));
  CHECK(has(ns.tuples(), "allow udp 9999"));
  CHECK(ns.calls().size() == before + 1);  // one call restores it

  h.writeSpec("estate.yaml", fwHost(sim, ns, "    exclusive: true\n") + rules);
  Run noPrune = h.run("plan -f specs");
  CHECK(has(noPrune.out, "? FirewallRule/(unmanaged) allow in udp from any to any port 9999"));
  CHECK(has(noPrune.out, "re-run with --prune to delete it"));
  Run pruned = h.run("apply --auto-approve -f specs --prune");
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
  Run first = h.run("apply --auto-approve -f specs");
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
  REQUIRE(h.run("apply --auto-approve -f specs").code == 0);
  CHECK(has(h.run("plan -f specs").out, "No changes."));
  std::string t = ns.tuples();
  CHECK(t.find(" 22 ") < t.find("7777"));  // back on top; the hand-made rule is kept
  CHECK(has(t, "7777"));

  h.writeSpec("estate.yaml", spec("the reporting box"));
  Run recomment = h.run("apply --auto-approve -f specs");
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
  Run refused = h.run("apply --auto-approve -f specs");
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
  REQUIRE(h.run("apply --auto-approve -f specs").code == 0);
  CHECK(has(ns.ufw("status"), "Status: active"));
  size_t calls = ns.calls().size();
  // Moving SSH to another network would cut off the operators' one.
  h.writeSpec("estate.yaml",
              fwHost(sim, ns) +
                  rule("ssh", "action: allow, from: 10.8.0.0/24, port: 22, proto: tcp") +
                  rule("web", "action: allow, port: 8080, proto: tcp"));
  Run cut = h.run("apply --auto-approve -f specs");
  INFO(cut.out);
  CHECK(cut.code == 5);
  CHECK(has(cut.out, "! FirewallRule/ssh"));
  CHECK(has(cut.out, "would be unreachable"));
  CHECK(ns.calls().size() == calls);
  CHECK(has(ns.tuples(), "10.9.0.0/24"));

  Run forced = h.run("apply --auto-approve -f specs --force");
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
  REQUIRE(h.run("apply --auto-approve -f specs").code == 0);
  h.writeSpec("estate.yaml", fwHost(sim, ns) + kSsh +
                                 rule("bad", "action: allow, port: 4444, proto: tcp") +
                                 rule("good", "action: allow, port: 5555, proto: tcp"));
  Run r = h.run("apply --auto-approve -f specs");
  INFO(r.out << r.err);
  CHECK(r.code == 5);
  CHECK(has(r.out + r.err, "ERROR: injected failure for port 4444"));
  CHECK(has(ns.tuples(), "allow tcp 5555"));
  CHECK_FALSE(has(ns.tuples(), "4444"));
  CHECK(has(ns.ufw("status"), "Status: active"));
  for (const auto& c : ns.calls()) CHECK_FALSE(has(c, "disable"));
}

namespace {

// Opens a TCP connection from `source` to `target`:8080 inside namespace `ns`; true if accepted.
bool connects(const std::string& ns, const std::string& source, const std::string& target) {
  int code = 0;
  hx::test::shell("ip netns exec " + ns +
                      " python3 -c \"import socket; socket.create_connection(('" + target +
                      "', 8080), timeout=2, source_address=('" + source + "', 0)).close()\"",
                  &code);
  return code == 0;
}

}  // namespace

TEST_CASE(
    "ufw: traffic proof: after apply, a client in the allowed subnet connects and one in another "
    "subnet is refused",
    "[ufw][root]") {
  UfwNamespace ns("t");
  std::string client = ns.name() + "c";
  std::string veth = "v" + ns.name();
  hx::test::shell("ip netns del " + client);
  // A second namespace joined by a veth pair; each side has an address in two subnets.
  for (const std::string& cmd :
       {"ip netns add " + client, "ip link add " + veth + "a type veth peer name " + veth + "b",
        "ip link set " + veth + "a netns " + ns.name(), "ip link set " + veth + "b netns " + client,
        "ip netns exec " + ns.name() + " ip addr add 10.9.0.1/24 dev " + veth + "a",
        "ip netns exec " + ns.name() + " ip addr add 10.8.0.1/24 dev " + veth + "a",
        "ip netns exec " + ns.name() + " ip link set " + veth + "a up",
        "ip netns exec " + client + " ip addr add 10.9.0.2/24 dev " + veth + "b",
        "ip netns exec " + client + " ip addr add 10.8.0.2/24 dev " + veth + "b",
        "ip netns exec " + client + " ip link set " + veth + "b up",
        "ip netns exec " + client + " ip link set lo up"}) {
    int code = 0;
    std::string out = hx::test::shell(cmd, &code);
    INFO(cmd << ": " << out);
    REQUIRE(code == 0);
  }
  struct Cleanup {
    std::string ns;
    ~Cleanup() {
      hx::test::shell("pkill -f 'hxctl-traffic-listener-" + ns + "'");
      hx::test::shell("ip netns del " + ns);
    }
  } cleanup{client};
  // A listener on 8080 in the firewalled namespace.
  hx::test::shell("ip netns exec " + ns.name() +
                  " python3 -c \"import socket,sys; sys.argv[0]='hxctl-traffic-listener-" + client +
                  "'; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
                  "s.bind(('0.0.0.0', 8080)); s.listen(64)\n"
                  "while True: s.accept()[0].close()\" > /dev/null 2>&1 &");
  bool listening = false;
  for (int i = 0; i < 50 && !listening; ++i, usleep(100000))
    listening = connects(client, "10.9.0.2", "10.9.0.1");
  REQUIRE(listening);
  CHECK(connects(client, "10.8.0.2", "10.8.0.1"));  // before: no firewall, both get in

  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-traffic"));
  CliHarness h("ufw-traffic", HX_BIN);
  h.writeSpec("estate.yaml",
              fwHost(sim, ns) + kSsh +
                  rule("app", "action: allow, from: 10.9.0.0/24, port: 8080, proto: tcp"));
  Run r = h.run("apply --auto-approve -f specs");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(connects(client, "10.9.0.2", "10.9.0.1"));        // the allowed subnet
  CHECK_FALSE(connects(client, "10.8.0.2", "10.8.0.1"));  // another subnet: dropped
}

TEST_CASE(
    "ufw: the seed's 1.5.1 rules are held in specs/, and applied in a namespace once a copy "
    "lifts the hold, and portExposure then proves the task",
    "[ufw][root]") {
  UfwNamespace ns("s");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "seed-key"}},
                 hx::test::freshExchangeLog("ufw-seed"));
  CliHarness h("ufw-seed", HX_BIN);
  // The seed, with vector-db's API pointed at the simulator and its ufw at the namespace. The
  // other hosts keep their 192.168.10.x addresses: HXCTL_LOOPBACK_ONLY refuses them, so they
  // stay pending and nothing is sent to them.
  std::filesystem::copy(
      std::string(HX_SOURCE_DIR) + "/specs", h.dir() / "specs",
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  auto edit = [&](const std::string& file, const std::string& from, const std::string& to) {
    std::filesystem::path p = h.dir() / "specs" / file;
    std::string text = hx::test::shell("cat " + p.string());
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::ofstream(p) << text;
  };
  edit("hosts.yaml", "\"http://192.168.10.30:6333\"", "\"" + sim.url(0) + "\"");
  edit("hosts.yaml", "[ssh, admin@192.168.10.30, sudo, ufw]", ns.execYaml());
  const std::string env = "HXCTL_QDRANT_API_KEY=seed-key";

  Run held = h.run("apply --auto-approve -f specs", env);
  INFO(held.out << held.err);
  CHECK(has(held.out, "deferred: task 1.5.1 is held: User decision"));
  CHECK(ns.calls().empty());  // held: not one ufw call
  CHECK(has(ns.ufw("status"), "Status: inactive"));

  // Lift 1.5.1's hold (the first in the file).
  edit("backlog/1.5-security-hardening.yaml",
       "  hold: {reason: \"User decision to defer security implementation: not required for the "
       "current dev/test environment\", by: user, since: 2025-07-17}\n",
       "");
  Run lifted = h.run("apply --auto-approve -f specs", env);
  INFO(lifted.out << lifted.err);
  std::string t = ns.tuples();
  INFO(t);
  for (const char* port : {"22", "6333", "6334", "8000"})
    CHECK(has(t, std::string("allow tcp ") + port + " 0.0.0.0/0 any 192.168.10.0/24 in"));
  std::string status = ns.ufw("status verbose");
  CHECK(has(status, "Status: active"));
  CHECK(has(status, "Default: deny (incoming), allow (outgoing)"));
  Json s = Json::parse(h.run("status -f specs 1.5.1 -o json", env).out);
  INFO(s.dump(2));
  CHECK(s["status"] == "completed");
  for (const auto& c : s["criteria"]) {
    CHECK(c["kind"] == "portExposure");
    CHECK(c["pass"] == true);
  }
  CHECK(s["criteria"][0]["value"] == "6333/tcp allowed from 192.168.10.0/24 only");
}

TEST_CASE(
    "ufw over ssh: a rule's comment reaches the remote shell quoted, so $(...) in it is text, "
    "never run",
    "[ufw][root]") {
  UfwNamespace ns("q");
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("ufw-ssh-quoting"));
  CliHarness h("ufw-ssh-quoting", HX_BIN);
  // A stand-in for OpenSSH that does what it does with a command: options skipped, the
  // destination taken, every other word joined with spaces and run by the remote user's shell.
  const std::string ssh = (h.dir() / "ssh").string();
  std::ofstream(ssh) << "#!/bin/sh\n"
                        "while [ $# -gt 0 ]; do case \"$1\" in -p|-i|-l|-o) shift 2;; -*) shift;;"
                        " *) break;; esac; done\n"
                        "shift\nexec sh -c \"$*\"\n";
  std::filesystem::permissions(ssh, std::filesystem::perms::owner_all);
  const std::string marker = (h.dir() / "pwned").string();
  const std::string comment = "ops $(touch " + marker + ") `touch " + marker + "`; touch " + marker;
  const std::string exec = "[" + ssh + ", -p, 22, admin@127.0.0.1, ip, netns, exec, " + ns.name() +
                           ", " + ns.wrapper() + "]";
  std::string host = fwHost(sim, ns);
  host.replace(host.find(ns.execYaml()), ns.execYaml().size(), exec);
  std::string quotedComment = comment;
  for (size_t at = 0; (at = quotedComment.find('"', at)) != std::string::npos; at += 2)
    quotedComment.insert(at, "\\");
  h.writeSpec("estate.yaml", host + kSsh +
                                 rule("web", "action: allow, port: 8000, proto: tcp, comment: \"" +
                                                 quotedComment + "\""));
  Run apply = h.run("apply --auto-approve -f specs");
  INFO(apply.out << apply.err);
  CHECK(apply.code == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
  // ufw stored the comment as written (hex-encoded in its tuple).
  std::string hex;
  for (unsigned char c : comment) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", c);
    hex += b;
  }
  CHECK(has(ns.tuples(), "### tuple ### allow tcp 8000 0.0.0.0/0 any 0.0.0.0/0 in comment=" + hex));
  // And a second apply reads it back through the same shell as in sync.
  Run again = h.run("plan --detailed-exitcode -f specs");
  INFO(again.out << again.err);
  CHECK(again.code == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
}
