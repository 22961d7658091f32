// hxctl: wires the real clock, HTTP, host probes and providers into the command line.
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "src/cli/cli.h"
#include "src/cli/pull_progress.h"
#include "src/platform/command_runner.h"
#include "src/platform/http.h"
#include "src/platform/logging.h"
#include "src/platform/real_clock.h"
#include "src/platform/terminal.h"
#include "src/platform/terminal_text.h"
#include "src/providers/host_probe.h"
#include "src/providers/real_providers.h"

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own arena (up to 8 per core), and memory freed in
  // one is not returned to the system: the observation and apply workers (10, 32) left a large
  // run's peak resident memory a third above what it ever held. One arena keeps it at the heap's
  // own peak (a 5 000-collection apply: 131 MiB with 8, 105 with 2, 98 with 1) for about 3% of
  // its time (bench/scale.sh); small allocations still come from each thread's own cache.
  mallopt(M_ARENA_MAX, 1);
  // Every byte hxctl prints passes the terminal filter: a server's answer cannot drive the
  // operator's terminal (src/platform/terminal_text.h).
  hx::TerminalTextBuf outFilter(std::cout.rdbuf()), errFilter(std::cerr.rdbuf());
  std::cout.rdbuf(&outFilter);
  std::cerr.rdbuf(&errFilter);
  struct Restore {
    std::streambuf *out, *err;
    ~Restore() {
      std::cout.flush();
      std::cerr.flush();
      std::cout.rdbuf(out);
      std::cerr.rdbuf(err);
    }
  } restore{outFilter.target(), errFilter.target()};
  hx::configureLogging("text", "warn");
  hx::RealClock clock;
  hx::CurlTransport http(hx::loopbackOnlyFromEnvironment());
  hx::ReachabilityProber reach(hx::loopbackOnlyFromEnvironment());
  hx::HttpHostProber prober(http, clock, &reach);
  hx::PullProgress progress(std::cerr, isatty(STDERR_FILENO) == 1, clock);
  hx::SpawnRunner commands;
  hx::RealProviders providers(http, clock, progress, commands, hx::loopbackOnlyFromEnvironment());
  if (const char* stall = std::getenv("HXCTL_PULL_STALL_SECONDS"); stall && *stall)
    providers.setPullStallMs(std::atoll(stall) * 1000);
  hx::CliEnv env{providers,
                 prober,
                 clock,
                 http,
                 hx::loopbackOnlyFromEnvironment(),
                 std::cout,
                 std::cerr,
                 isatty(STDOUT_FILENO) == 1,
                 &std::cin,
                 isatty(STDIN_FILENO) == 1,
                 hx::terminalColumns(STDOUT_FILENO)};
  try {
    return hx::runCli(argc, argv, env);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
