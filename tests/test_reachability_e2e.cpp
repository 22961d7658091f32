// The operators' "ping" of each server, with real sockets in a network namespace the test makes:
// its loopback down is a machine nobody can reach (".31 requires investigation"), up it answers a
// TCP connect with a reset (reachable: its kernel answered), and with ping sockets allowed in the
// namespace an ICMP echo is the probe. The loopback-only guard sends nothing elsewhere.
#include <catch2/catch.hpp>

#include "cli_harness.h"
#include "test_binaries.h"
#include "ufw_namespace.h"

using hx::Json;
using hx::test::CliHarness;
using hx::test::Run;

namespace {

const char* kSpecs = R"(apiVersion: hx/v1
kind: Host
metadata: {name: llm}
spec:
  address: 127.0.0.1
  api: {type: ollama, url: "http://127.0.0.1:9"}
  health: {timeout: 1s}
  reachability: {via: tcp, port: 9}
---
apiVersion: hx/v1
kind: Host
metadata: {name: pinged}
spec:
  address: 127.0.0.1
  api: {type: ollama, url: "http://127.0.0.1:9"}
  health: {timeout: 1s}
---
apiVersion: hx/v1
kind: Host
metadata: {name: elsewhere}
spec:
  address: 192.0.2.31
  api: {type: ollama, url: "http://192.0.2.31:11434"}
  health: {timeout: 1s}
---
apiVersion: hx/v1
kind: Backlog
metadata: {name: b}
spec:
  opened: 2025-07-17
  document:
    title: Reach
    updated: 2025-07-17
    servers: [{host: llm, name: Primary LLM}, {host: pinged, name: Pinged}]
    connectivity: [{host: elsewhere, reachable: false, words: Unreachable (requires investigation)}]
)";

Json hostsById(const Run& r) {
  Json out = Json::object();
  Json j = Json::parse(r.out, nullptr, false);
  if (j.is_array())
    for (const auto& h : j) out[h.value("name", "")] = h;
  return out;
}

}  // namespace

TEST_CASE(
    "reachability: unreachable is the document's 'requires investigation', a refused connect "
    "and an echo reply are reachable, and the guard probes nothing beyond loopback",
    "[reachability][root]") {
  hx::test::UfwNamespace ns("reach");
  CliHarness h("reach", "ip netns exec " + ns.name() + " " + hx::test::hxctlBinary());
  h.writeSpec("estate.yaml", kSpecs);

  ns.inside("ip link set lo down");
  Run status = h.run("status --refresh -f specs");
  INFO(status.out << status.err);
  Json hosts = hostsById(h.run("hosts --offline -f specs -o json"));
  REQUIRE(hosts.contains("llm"));
  CHECK(hosts["llm"]["reachability"]["state"] == "unreachable");
  CHECK(hosts["llm"]["reachability"]["via"] == "tcp port 9");
  CHECK(hosts["llm"]["reachability"]["detail"] == "no answer in 1000 ms");  // silence, as .31
  const Json firstSince = hosts["llm"]["reachability"]["since"];
  Run report = h.run("report -f specs");
  CHECK(report.out.find("- **127.0.0.1 (llm):** Unreachable (requires investigation): tcp port "
                        "9: no answer in 1000 ms, since ") != std::string::npos);
  Run text = h.run("hosts --offline -f specs");
  CHECK(text.out.find("unreachable (requires investigation): tcp port 9: no answer in "
                      "1000 ms") != std::string::npos);
  // The guard: a non-loopback address is not probed, and the document's record is shown instead.
  CHECK(hosts["elsewhere"]["reachability"]["state"] == "unknown");
  CHECK(hosts["elsewhere"]["reachability"]["detail"] ==
        "refused to probe 192.0.2.31: HXCTL_LOOPBACK_ONLY allows loopback only");
  CHECK(report.out.find("- **192.0.2.31 (elsewhere):** not probed by hxctl: refused to probe "
                        "192.0.2.31: HXCTL_LOOPBACK_ONLY allows loopback only; the document "
                        "recorded on July 17, 2025: Unreachable (requires investigation)") !=
        std::string::npos);

  // Still down: the state holds, and so does its since.
  h.run("status --refresh -f specs");
  hosts = hostsById(h.run("hosts --offline -f specs -o json"));
  CHECK(hosts["llm"]["reachability"]["since"] == firstSince);

  // Up: nothing listens on port 9, and the reset is the machine answering.
  ns.inside("ip link set lo up");
  ns.inside("sysctl -q -w net.ipv4.ping_group_range=\"1 0\"");
  h.run("status --refresh -f specs");
  hosts = hostsById(h.run("hosts --offline -f specs -o json"));
  CHECK(hosts["llm"]["reachability"]["state"] == "reachable");
  CHECK(hosts["llm"]["reachability"]["detail"].get<std::string>().find("(the machine answered)") !=
        std::string::npos);
  // auto without ping sockets: TCP to port 22, and it says why.
  CHECK(hosts["pinged"]["reachability"]["via"] ==
        "tcp port 22 (icmp is not permitted to this user)");
  CHECK(hosts["pinged"]["reachability"]["state"] == "reachable");
  // Its API still does not answer: reachable is not active.
  CHECK(hosts["llm"]["status"] == "pending_installation");

  // Ping sockets allowed in the namespace: auto sends an ICMP echo.
  ns.inside("sysctl -q -w net.ipv4.ping_group_range=\"0 2147483647\"");
  h.run("status --refresh -f specs");
  hosts = hostsById(h.run("hosts --offline -f specs -o json"));
  CHECK(hosts["pinged"]["reachability"]["via"] == "icmp echo");
  CHECK(hosts["pinged"]["reachability"]["detail"].get<std::string>().rfind("echo reply in ", 0) ==
        0);
  report = h.run("report -f specs");
  CHECK(report.out.find("- **127.0.0.1 (pinged):** Reachable (icmp echo: echo reply in ") !=
        std::string::npos);
}
