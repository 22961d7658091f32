// The manual pages, generated from what hxctl itself knows so that they cannot drift from it:
// hxctl(1) from the command line's own definitions (every command, its description and its
// options), hxctl-specs(5) from the schema the loader checks (every kind and field).
// `hxctl manpage 1|5` prints them; the build writes them for `cmake --install` and the package.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace hx {

std::string manPageCommands(const CLI::App& app, const std::string& version);
std::string manPageSpecs(const std::string& version);

// Shell completion scripts, from the same definitions; values that depend on the estate
// (resources for --target, task ids for status) come from `hxctl __complete resources|tasks`.
std::string bashCompletion(const CLI::App& app);
std::string zshCompletion(const CLI::App& app);

}  // namespace hx
