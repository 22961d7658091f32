// hxctl: wires the real clock, HTTP, host probes and providers into the command line.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "src/cli.h"
#include "src/command_runner.h"
#include "src/host_probe.h"
#include "src/http.h"
#include "src/real_clock.h"
#include "src/real_providers.h"

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("hxctl");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%Y-%m-%dT%H:%M:%S.%e] [%l] %v");
  const char* level = std::getenv("HXCTL_LOG_LEVEL");
  spdlog::set_level(level && *level ? spdlog::level::from_str(level) : spdlog::level::warn);
  hx::RealClock clock;
  hx::CurlTransport http(hx::loopbackOnlyFromEnvironment());
  hx::HttpHostProber prober(http, clock);
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
                 isatty(STDOUT_FILENO) == 1};
  try {
    return hx::runCli(argc, argv, env);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
