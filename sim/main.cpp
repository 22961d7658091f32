// hx-sim: simulated estate hosts on loopback ports, for hxctl's tests and demo.
//
//   hx-sim [--exchange-log FILE] [--seed N]
//          --qdrant ADDR:PORT [--api-key KEY] [--read-only-key KEY]
//                             [--latency-ms N] [--error-rate R] [--drop-rate R] [--down-for S]
//          [--qdrant ADDR:PORT ...]
//
// Options after a host flag apply to that host, so one process can serve several hosts of
// several kinds. Addresses must be loopback. Stops on SIGTERM / SIGINT.
#include <signal.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <vector>

#include "exchange_log.h"
#include "qdrant_personality.h"
#include "sim_host.h"

namespace {

int usage(const std::string& problem) {
  std::cerr << "hx-sim: " << problem
            << "\nusage: hx-sim [--exchange-log FILE] [--seed N] --qdrant 127.0.0.1:PORT "
               "[--api-key KEY] [--read-only-key KEY] [--latency-ms N] [--error-rate R] "
               "[--drop-rate R] [--down-for S] [--qdrant ...]\n";
  return 2;
}

bool parseAddress(const std::string& text, hxsim::HostOptions* host) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host->address = text.substr(0, colon);
  host->port = std::atoi(text.c_str() + colon + 1);
  bool loopback =
      host->address.rfind("127.", 0) == 0 || host->address == "localhost" || host->address == "::1";
  return loopback && host->port > 0 && host->port < 65536;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<hxsim::HostOptions> hosts;
  std::string logPath;
  unsigned seed = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--exchange-log")
        logPath = value();
      else if (arg == "--seed")
        seed = static_cast<unsigned>(std::stoul(value()));
      else if (arg == "--qdrant") {
        hxsim::HostOptions h;
        h.personality = "qdrant";
        if (!parseAddress(value(), &h)) return usage("--qdrant takes a loopback ADDR:PORT");
        hosts.push_back(h);
      } else if (hosts.empty()) {
        return usage(arg + " must follow a host flag such as --qdrant");
      } else if (arg == "--api-key")
        hosts.back().apiKey = value();
      else if (arg == "--read-only-key")
        hosts.back().readOnlyKey = value();
      else if (arg == "--latency-ms")
        hosts.back().faults.latencyMs = std::stoi(value());
      else if (arg == "--error-rate")
        hosts.back().faults.errorRate = std::stod(value());
      else if (arg == "--drop-rate")
        hosts.back().faults.dropRate = std::stod(value());
      else if (arg == "--down-for")
        hosts.back().downForSeconds = std::stoi(value());
      else
        return usage("unknown option " + arg);
    } catch (const std::exception& e) {
      return usage(e.what());
    }
  }
  if (hosts.empty()) return usage("no host given");

  std::unique_ptr<hxsim::ExchangeLog> log;
  if (!logPath.empty()) {
    log = std::make_unique<hxsim::ExchangeLog>(logPath);
    if (!log->ok()) return usage("cannot write " + logPath);
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // threads inherit the mask; main waits below

  std::vector<std::unique_ptr<hxsim::SimHost>> servers;
  for (auto& h : hosts) {
    h.seed = seed++;
    auto personality = std::make_unique<hxsim::QdrantPersonality>(h.apiKey, h.readOnlyKey);
    servers.push_back(std::make_unique<hxsim::SimHost>(h, std::move(personality), log.get()));
    servers.back()->start();
    std::cout << "hx-sim: " << h.personality << " on " << h.address << ":" << h.port
              << (h.downForSeconds ? " (down for " + std::to_string(h.downForSeconds) + " s)" : "")
              << std::endl;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  for (auto& s : servers) s->stop();
  return 0;
}
