// What a run is asked to do: which specs, which store, the limits on input, and the plan's and
// the apply's options. The command line fills these from its flags; the daemon from its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reconciler/planner.h"
#include "reconciler/spec_screen.h"

namespace hx {

struct RunOptions {
  std::vector<std::string> files;
  std::string output = "text";  // text | json
  std::string statePath;
  bool noColor = false;
  SpecLimits specLimits;
  // Which estate these specs are (src/run/estate_config.h): checked against the one the store
  // records; "" checks nothing. `configPath`: the hxctl.yaml it came from, for messages.
  std::string estate;
  std::string configPath;
  bool claimStore = false;  // apply --claim-store: record this estate as the store's
  bool json() const { return output == "json"; }
};

struct PlanCommandOptions {
  PlanOptions plan;
  std::string target;
  std::string selector;  // -l key=value[,key=value]: only resources with all these labels
  bool offline = false;
  bool detailedExitcode = false;
  // Write what was observed (and, for status, evaluated) to the store. Reads do not by default;
  // apply and the daemon always do.
  bool record = false;
  // plan --out: open (or create) the store for writing so that its secret salt exists and the
  // saved plan's secret digests compare equal at apply. Observations are still not written.
  bool keepSalt = false;
  int parallelism = 10;
  std::string lockTimeout = "0s";
  // apply: passing load and ingest checks younger than this are not run again ("0s": always).
  std::string recheckHeavy = "0s";
};

struct DaemonOptions {
  PlanCommandOptions plan;
  int64_t intervalMs = 60000;
  double jitter = 0.1;  // each wait is interval * (1 +- jitter)
  bool selfHeal = true;
  std::string metricsAddress = "127.0.0.1:9847";  // "off": no endpoint
  bool web = true;  // the web view on the same address (src/web/site.h)
  // Basic auth for everything there but /healthz and /readyz: a file of USER:ARGON2ID-HASH lines
  // (src/web/basic_auth.h); "": none.
  std::string webAuthFile;
  int64_t debounceMs = 500;
  int64_t heartbeatMs = 5000;
  int64_t lockWaitMs = 0;             // --lock-timeout
  int64_t heavyRecheckSeconds = 900;  // passing load / ingest checks are re-run this often
  // A shared (PostgreSQL) store: the leader's lease lasts this long unless renewed (every third).
  int64_t leaseDurationMs = 15000;
};

}  // namespace hx
