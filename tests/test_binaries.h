// The binaries the end-to-end tests drive: this build's own, unless HXCTL_TEST_HXCTL and
// HXCTL_TEST_SIM name others. CI runs the seed estate against its Release build: that test's load
// targets measure speed, which the sanitizer build divides (scripts/test.sh).
#pragma once

#include <cstdlib>
#include <string>

namespace hx::test {

inline std::string binaryFromEnv(const char* variable, const char* built) {
  const char* chosen = std::getenv(variable);
  return chosen && *chosen ? chosen : built;
}

inline std::string hxctlBinary() { return binaryFromEnv("HXCTL_TEST_HXCTL", HX_BIN); }
inline std::string simBinary() { return binaryFromEnv("HXCTL_TEST_SIM", HX_SIM_BIN); }

}  // namespace hx::test
