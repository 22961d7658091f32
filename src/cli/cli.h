// The hxctl command line. main() wires the real systems into a CliEnv; tests wire fakes.
#pragma once

#include <ostream>

#include "reconciler/clock.h"
#include "reconciler/provider.h"
#include "src/platform/http.h"

namespace hx {

struct CliEnv {
  ProviderSet& providers;
  HostProber& prober;
  Clock& clock;
  HttpTransport& http;  // for the backlog's live checks
  bool loopbackOnly;    // the load generator's guard, as the transport's
  std::ostream& out;
  std::ostream& err;
  bool outIsTty = false;
};

int runCli(int argc, char** argv, CliEnv& env);

}  // namespace hx
