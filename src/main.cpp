// hxctl: wires the real clock, HTTP, host probes and providers into the command line.
#include <unistd.h>

#include <iostream>

#include "src/cli.h"
#include "src/host_probe.h"
#include "src/http.h"
#include "src/real_clock.h"
#include "src/real_providers.h"

int main(int argc, char** argv) {
  hx::RealClock clock;
  hx::CurlTransport http(hx::loopbackOnlyFromEnvironment());
  hx::HttpHostProber prober(http, clock);
  hx::RealProviders providers(http, clock);
  hx::CliEnv env{providers, prober, clock, std::cout, std::cerr, isatty(STDOUT_FILENO) == 1};
  try {
    return hx::runCli(argc, argv, env);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
