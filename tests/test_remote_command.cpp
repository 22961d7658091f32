// Commands across ssh: where the destination is, and every word after it quoted for the remote
// shell that OpenSSH hands the joined line to.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "src/platform/command_runner.h"
#include "src/platform/remote_command.h"

using namespace hx;
using V = std::vector<std::string>;

TEST_CASE("remote commands: ssh's destination is found past its options", "[remote]") {
  CHECK(sshDestination(V{"ssh", "admin@fw", "ufw"}) == 1u);
  CHECK(sshDestination(V{"/usr/bin/ssh", "-p", "2222", "-o", "BatchMode=yes", "fw", "ufw"}) == 5u);
  CHECK(sshDestination(V{"ssh", "-tt", "-p2222", "fw", "ufw"}) == 3u);
  CHECK(sshDestination(V{"ssh", "-4i", "key", "fw"}) == 3u);
  CHECK(sshDestination(V{"ssh", "--", "fw", "ufw"}) == 2u);
  CHECK_FALSE(sshDestination(V{"ssh", "-p", "22"}).has_value());
  CHECK_FALSE(sshDestination(V{"ip", "netns", "exec", "fw", "ufw"}).has_value());
  CHECK(sshHost(V{"ssh", "admin@127.0.0.1", "ufw"}) == "127.0.0.1");
  CHECK(sshHost(V{"ssh", "ssh://admin@[::1]:22", "ufw"}) == "::1");
  CHECK(sshHost(V{"ssh", "fw.example:22", "ufw"}) == "fw.example");
}

TEST_CASE("remote commands: every word after the destination is quoted for the remote shell",
          "[remote]") {
  const V argv = {
      "ssh", "-p", "22", "admin@fw", "sudo", "ufw", "allow", "comment", "it's $(touch /tmp/x)"};
  const V out = forRemoteShell(argv);
  REQUIRE(out.size() == argv.size());
  CHECK(V(out.begin(), out.begin() + 4) == V{"ssh", "-p", "22", "admin@fw"});
  CHECK(out[4] == "'sudo'");
  CHECK(out[8] == "'it'\\''s $(touch /tmp/x)'");
  // A local command is left as it is: no shell reads it.
  const V local = {"ip", "netns", "exec", "fw", "ufw", "comment", "$(x)"};
  CHECK(forRemoteShell(local) == local);
  CHECK(shellQuoted("") == "''");
}

TEST_CASE("a child process gets a minimal environment, without hxctl's secrets", "[ssh]") {
  setenv("HX_TEST_CHILD_SECRET", "sekret-for-children-0123", 1);
  setenv("HXCTL_STATE", "postgresql://hx:sekret@127.0.0.1/hx", 1);
  hx::SpawnRunner runner;
  auto r = runner.run({"env"}, 10000);
  unsetenv("HX_TEST_CHILD_SECRET");
  unsetenv("HXCTL_STATE");
  REQUIRE(r);
  const std::string& env = r.value().out;
  CHECK(env.find("sekret") == std::string::npos);
  CHECK(env.find("HX_TEST_CHILD_SECRET") == std::string::npos);
  CHECK(env.find("HXCTL_STATE") == std::string::npos);
  // What it needs to run and be found is there.
  CHECK(env.find("PATH=") != std::string::npos);
  if (std::getenv("HOME"))
    CHECK(env.find("HOME=" + std::string(std::getenv("HOME"))) != std::string::npos);
}
