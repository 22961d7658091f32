// An estate is a directory with a config file, hxctl.yaml: its name, where its specs are, which
// store it keeps, and defaults for the flags. The daemon and the command line find the same one,
// so they share one store, and a store records the estate it belongs to so that the specs of
// another are refused instead of planned as a mass destruction.
//
//   estate: lab                 # required: the name the store records
//   specs: [specs/]             # default for -f; relative to this file's directory
//   state: .hxctl/state.db      # the store; relative to this file's directory
//   defaults: {parallelism: 10, lock-timeout: 30s, interval: 60s, recheck-heavy: 15m,
//              metrics-address: 127.0.0.1:9847}
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/status.h"

namespace hx {

struct EstateConfig {
  std::string path;  // the file read; "" when there is none
  std::string estate;
  std::vector<std::string> specs;               // absolute
  std::string state;                            // absolute; "" when the file does not say
  std::map<std::string, std::string> defaults;  // flag name (without --) -> value
};

// The flags a config may give defaults for.
const std::vector<std::string>& configurableFlags();

// Reads one config file. Errors name file:line and the key (an unknown key with the nearest
// known one); nothing is guessed.
Result<EstateConfig> readEstateConfig(const std::string& path);

// Where the config is: `explicitPath` (--config or HXCTL_CONFIG) if given; else hxctl.yaml in the
// directory of the first spec path (or, with none, the current directory) or the nearest one
// above it; else, when no spec path was given, `systemPath` (/etc/hxctl/hxctl.yaml) if it exists.
// "" when there is none.
std::string findEstateConfig(const std::string& explicitPath, const std::vector<std::string>& specs,
                             const std::string& systemPath);

// How a store knows its estate: the config's name, or, with no config, where the specs are.
std::string estateIdentity(const EstateConfig& config, const std::vector<std::string>& specs);

}  // namespace hx
