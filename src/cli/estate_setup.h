// The command line's side of hxctl.yaml (src/run/estate_config.h): find it, read it, and fill
// what the flags left open: the specs (-f), the store (--state), and the defaults of flags the
// command has. Flags and HXCTL_STATE win over the file; the file wins over built-in defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "src/cli/commands.h"

namespace hx {

struct EstateSetup {
  std::string configFlag;   // --config, else HXCTL_CONFIG
  bool stateGiven = false;  // --state on the line, or HXCTL_STATE
  bool needsSpecs = true;   // the command reads specs (not history, force-unlock, ...)
  bool fillSpecs = true;    // false for apply FILE: the saved plan names its specs
};

// Returns an exit code, or -1 to go on; on failure it has said why on env.err.
int setUpEstate(CliEnv& env, CLI::App& command, CommonOptions& common, const EstateSetup& setup);

}  // namespace hx
