// hxctl wired to a file-backed FakeWorld ($HXCTL_FAKE_WORLD): the real CLI, store, lock and
// executor, with fake providers, so tests can run, kill and race whole hxctl processes.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "fakes/fake_world.h"
#include "src/cli/cli.h"
#include "src/platform/http.h"
#include "src/platform/logging.h"
#include "src/platform/real_clock.h"
#include "src/platform/terminal.h"

int main(int argc, char** argv) {
  // Logging as hxctl's own main sets it (warnings and up, to stderr), so the tests see what an
  // operator sees there.
  hx::configureLogging("text", "warn");
  const char* world = std::getenv("HXCTL_FAKE_WORLD");
  if (!world || !*world) {
    std::cerr << "hxctl-fake: set HXCTL_FAKE_WORLD to the world file\n";
    return 1;
  }
  hx::RealClock clock;
  hx::fake::FakeWorld fake(clock, world);
  hx::CurlTransport http(true);
  hx::CliEnv env{fake,
                 fake,
                 clock,
                 http,
                 true,
                 std::cout,
                 std::cerr,
                 isatty(STDOUT_FILENO) == 1,
                 &std::cin,
                 isatty(STDIN_FILENO) == 1,
                 hx::terminalColumns(STDOUT_FILENO)};
  return hx::runCli(argc, argv, env);
}
