#include "src/cli/estate_setup.h"

#include "src/cli/exit_codes.h"
#include "src/run/estate_config.h"

namespace hx {

namespace {

constexpr const char* kSystemConfig = "/etc/hxctl/hxctl.yaml";

// A default from the file, for a flag of this command that the line did not give. CLI11 takes
// it as if typed, so its own checks (a range, a choice) apply and their errors name the file.
int applyDefaults(CliEnv& env, CLI::App& command, const EstateConfig& config) {
  for (const auto& [flag, value] : config.defaults) {
    CLI::Option* option = nullptr;
    try {
      option = command.get_option("--" + flag);
    } catch (const CLI::OptionNotFound&) {
      continue;  // a default for another command (interval: the daemon's)
    }
    if (option->count() > 0) continue;
    try {
      option->add_result(value);
      option->run_callback();
    } catch (const CLI::Error& e) {
      env.err << "error: " << config.path << ": defaults." << flag << ": " << e.what() << "\n";
      return exit_code::kError;
    }
  }
  return -1;
}

}  // namespace

int setUpEstate(CliEnv& env, CLI::App& command, CommonOptions& common, const EstateSetup& setup) {
  const std::string found = findEstateConfig(setup.configFlag, common.files, kSystemConfig);
  EstateConfig config;
  if (!found.empty()) {
    auto read = readEstateConfig(found);
    if (!read) {
      env.err << "error: " << read.status().message() << "\n";
      return exit_code::kError;
    }
    config = std::move(read.value());
  }
  if (setup.fillSpecs && common.files.empty()) common.files = config.specs;
  if (!setup.stateGiven && !config.state.empty()) common.statePath = config.state;
  if (int rc = applyDefaults(env, command, config); rc >= 0) return rc;
  if (setup.needsSpecs && common.files.empty()) {
    env.err << "error: no specs: pass -f FILE|DIR, or put an hxctl.yaml with specs: in this "
               "directory or above it (or name one with --config)\n";
    return exit_code::kError;
  }
  common.configPath = config.path;
  common.estate = estateIdentity(config, common.files);
  return -1;
}

}  // namespace hx
