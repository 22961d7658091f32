// hxctl: wires the real clock, host probes and providers into the command line.
#include <unistd.h>

#include <iostream>

#include "src/cli.h"
#include "src/engine.h"
#include "src/real_clock.h"

int main(int argc, char** argv) {
  hx::RealClock clock;
  hx::RecordedHostStatus prober;
  hx::NoProviders providers;
  hx::CliEnv env{providers, prober, clock, std::cout, std::cerr, isatty(STDOUT_FILENO) == 1};
  try {
    return hx::runCli(argc, argv, env);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
