// The small fixture estate (fakes/estate_fixture.h) as the command-line tests use it: its key's
// secret, the estate with its hold lifted so that everything can converge, and its hosts up.
#pragma once

#include <regex>
#include <string>

#include "cli_harness.h"
#include "fakes/estate_fixture.h"

namespace hx::test {

inline const std::string kKeyEnv = "HX_TEST_APP_KEY=sekret-value-0123456789";

inline std::string openEstate() {
  std::string text = fake::kSmallEstate;
  return std::regex_replace(text, std::regex("  hold: \\{reason: the user deferred hardening\\}\n"),
                            "");
}

inline void activeHosts(CliHarness& h) {
  h.world().setHost("qdrant", HostStatus::kActive);
  h.world().setHost("llm", HostStatus::kActive);
}

}  // namespace hx::test
