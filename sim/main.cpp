// hx-sim: simulated estate hosts on loopback ports, for hxctl's tests and demo.
//
//   hx-sim [--exchange-log FILE] [--seed N]
//          --qdrant ADDR:PORT [--api-key KEY] [--read-only-key KEY] [--jwt-rbac] [--no-cors]
//          --ollama ADDR:PORT [--model NAME[=DIMS]]... [--registry NAME[=DIMS]]...
//                             [--version V] [--pull-stall S] [--pull-error-after N] [--pull-tick-ms
//                             N]
//                             [--thinking NAME]... [--load-ms N]
//          --vllm ADDR:PORT [--model NAME[=DIMS]]... [--api-key KEY] [--reasoning NAME]...
//          --llama-server ADDR:PORT [--model NAME[=DIMS]] [--api-key KEY] [--loading-for S]
//                                   [--metrics]
//          --gateway ADDR:PORT --upstream URL [--upstream-key KEY] [--key-file PATH]
//                              [--rate-limit N]
//          --web ADDR:PORT [--title TEXT]
//          --grafana ADDR:PORT [--api-key TOKEN]
//   and, after any host: [--latency-ms N] [--error-rate R] [--drop-rate R] [--up-after S]
//                        [--hostile KIND] [--hostile-health]
//
// --no-cors: Qdrant with service.enable_cors false (no CORS headers; OPTIONS reaches the routes).
// --thinking NAME: an Ollama model with think tags (deepseek-r1): it thinks unless told not to.
// --load-ms N: an Ollama model that is not loaded takes N ms to load on its first request.
// --reasoning NAME: a vLLM model served with a reasoning parser (content null when max_tokens
// runs out while reasoning). --metrics: llama-server serves /metrics (501 otherwise).
// --hostile KIND: every answer malformed in one way (sim/hostile.h lists the kinds; POST
// /__hxsim/hostile {"kind": K, "health": bool} switches it at run time).
//
// DIMS > 0 makes an embedding model of that width. --up-after S (alias --down-for) starts the
// host down (connections refused) and brings it up S seconds later.
//
// Options after a host flag apply to that host, so one process can serve several hosts of
// several kinds. Addresses must be loopback. Stops on SIGTERM / SIGINT.
#include <signal.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <vector>

#include "exchange_log.h"
#include "gateway_personality.h"
#include "grafana_personality.h"
#include "hostile.h"
#include "ollama_personality.h"
#include "openai_personality.h"
#include "qdrant_personality.h"
#include "sim_host.h"

namespace {

int usage(const std::string& problem) {
  std::cerr << "hx-sim: " << problem
            << "\nusage: hx-sim [--exchange-log FILE] [--seed N] (--qdrant | --ollama | --vllm | "
               "--llama-server) 127.0.0.1:PORT [host options] ...\n(see the top of sim/main.cpp "
               "or README.md for the host options)\n";
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

std::unique_ptr<hxsim::Personality> makePersonality(const hxsim::HostOptions& h) {
  if (h.personality == "gateway")
    return std::make_unique<hxsim::GatewayPersonality>(
        hxsim::GatewayOptions{h.upstream, h.upstreamKey, h.keyFile, h.rateLimit});
  if (h.personality == "grafana") return std::make_unique<hxsim::GrafanaPersonality>(h.apiKey);
  if (h.personality == "web")
    return std::make_unique<hxsim::WebPersonality>(h.title.empty() ? "Qdrant Web UI" : h.title);
  if (h.personality == "qdrant")
    return std::make_unique<hxsim::QdrantPersonality>(h.apiKey, h.readOnlyKey, h.jwtRbac, h.cors);
  std::vector<hxsim::SimModel> models, registry;
  const bool ollama = h.personality == "ollama";
  for (const auto& m : h.models) models.push_back(hxsim::parseModelFlag(m, ollama));
  for (const auto& m : h.registry) registry.push_back(hxsim::parseModelFlag(m, ollama));
  if (h.personality == "ollama") {
    hxsim::OllamaOptions o;
    if (!h.version.empty()) o.version = h.version;
    o.installed = models;
    o.registry = registry;
    o.pullStallSeconds = h.pullStallSeconds;
    o.pullErrorAfter = h.pullErrorAfter;
    o.pullTickMs = h.pullTickMs;
    o.thinking = h.thinking;
    o.loadMs = h.loadMs;
    return std::make_unique<hxsim::OllamaPersonality>(o);
  }
  hxsim::OpenAiOptions o;
  o.flavor = h.personality;
  o.served = models;
  o.apiKey = h.apiKey;
  o.loadingSeconds = h.loadingSeconds;
  o.reasoning = h.reasoning;
  o.metrics = h.metrics;
  return std::make_unique<hxsim::OpenAiPersonality>(o);
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
      else if (arg == "--qdrant" || arg == "--ollama" || arg == "--vllm" ||
               arg == "--llama-server" || arg == "--gateway" || arg == "--web" ||
               arg == "--grafana") {
        hxsim::HostOptions h;
        h.personality = arg.substr(2);
        if (!parseAddress(value(), &h)) return usage(arg + " takes a loopback ADDR:PORT");
        hosts.push_back(h);
      } else if (hosts.empty()) {
        return usage(arg + " must follow a host flag such as --qdrant");
      } else if (arg == "--api-key")
        hosts.back().apiKey = value();
      else if (arg == "--read-only-key")
        hosts.back().readOnlyKey = value();
      else if (arg == "--jwt-rbac")
        hosts.back().jwtRbac = true;
      else if (arg == "--no-cors")
        hosts.back().cors = false;
      else if (arg == "--latency-ms")
        hosts.back().faults.latencyMs = std::stoi(value());
      else if (arg == "--error-rate")
        hosts.back().faults.errorRate = std::stod(value());
      else if (arg == "--drop-rate")
        hosts.back().faults.dropRate = std::stod(value());
      else if (arg == "--down-for" || arg == "--up-after")
        hosts.back().downForSeconds = std::stoi(value());
      else if (arg == "--model")
        hosts.back().models.push_back(value());
      else if (arg == "--registry")
        hosts.back().registry.push_back(value());
      else if (arg == "--version")
        hosts.back().version = value();
      else if (arg == "--pull-stall")
        hosts.back().pullStallSeconds = std::stoi(value());
      else if (arg == "--pull-error-after")
        hosts.back().pullErrorAfter = std::stoi(value());
      else if (arg == "--pull-tick-ms")
        hosts.back().pullTickMs = std::stoi(value());
      else if (arg == "--loading-for")
        hosts.back().loadingSeconds = std::stoi(value());
      else if (arg == "--thinking")
        hosts.back().thinking.push_back(value());
      else if (arg == "--reasoning")
        hosts.back().reasoning.push_back(value());
      else if (arg == "--load-ms")
        hosts.back().loadMs = std::stoi(value());
      else if (arg == "--upstream")
        hosts.back().upstream = value();
      else if (arg == "--upstream-key")
        hosts.back().upstreamKey = value();
      else if (arg == "--key-file")
        hosts.back().keyFile = value();
      else if (arg == "--rate-limit")
        hosts.back().rateLimit = std::stoi(value());
      else if (arg == "--title")
        hosts.back().title = value();
      else if (arg == "--metrics")
        hosts.back().metrics = true;
      else if (arg == "--hostile-health")
        hosts.back().hostileHealth = true;
      else if (arg == "--hostile") {
        hosts.back().hostile = value();
        if (!hxsim::isHostileKind(hosts.back().hostile))
          return usage("unknown --hostile kind " + hosts.back().hostile);
      } else
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
    std::unique_ptr<hxsim::Personality> personality = makePersonality(h);
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
