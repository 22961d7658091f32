// hx-loadbench: runs hxctl's load generator (the `load` criterion's engine) once and prints its
// report, so bench/load_bench.sh can set it next to wrk against the same endpoint.
//
//   hx-loadbench URL [REQUESTS] [CONCURRENCY] [METHOD] [BODY] [HEADER=VALUE...]
#include <cstdlib>
#include <iostream>

#include "src/backlog/load_generator.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr
        << "usage: hx-loadbench URL [REQUESTS] [CONCURRENCY] [METHOD] [BODY] [HEADER=VALUE...]\n";
    return 2;
  }
  hx::LoadSpec spec;
  spec.url = argv[1];
  if (argc > 2) spec.requests = std::atoi(argv[2]);
  if (argc > 3) spec.concurrency = std::atoi(argv[3]);
  if (argc > 4) spec.method = argv[4];
  if (argc > 5) spec.body = argv[5];
  for (int i = 6; i < argc; ++i) {
    std::string h = argv[i];
    auto eq = h.find('=');
    if (eq != std::string::npos) spec.headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
  }
  spec.loopbackOnly = true;
  hx::LoadReport r = hx::runLoad(spec);
  std::cout << hx::describe(r) << "\n";
  return r.completed == spec.requests ? 0 : 1;
}
