// What a run works with: the external systems (providers, prober, clock, HTTP for the checks)
// and where it writes for the operator (run/ through report()). main() wires the real ones; tests
// wire fakes. The command line knows it as RunEnv.
#pragma once

#include <istream>
#include <ostream>

#include "reconciler/clock.h"
#include "reconciler/provider.h"
#include "src/platform/http.h"
#include "src/run/reporter.h"

namespace hx {

struct RunEnv {
  ProviderSet& providers;
  HostProber& prober;
  Clock& clock;
  HttpTransport& http;  // for the backlog's live checks
  bool loopbackOnly;    // the load generator's guard, as the transport's
  std::ostream& out;
  std::ostream& err;
  bool outIsTty = false;
  std::istream* in = nullptr;  // where apply reads its "yes"; nullptr: nobody to ask
  bool inIsTty = false;
  size_t columns = 0;  // the terminal's width when stdout is one; 0 when piped (no cutting)
  Reporter* reporter = nullptr;  // where run/ reports (the daemon's log); nullptr: text on err
  StreamReporter textReporter{err};

  Reporter& report() { return reporter ? *reporter : textReporter; }
};

}  // namespace hx
