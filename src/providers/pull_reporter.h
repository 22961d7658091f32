// What a model provider tells about a pull in progress. The providers depend on this interface
// only; how it is shown (a terminal line, log lines) is the command line's business
// (pull_progress.h), so a provider never reaches up to a terminal.
#pragma once

#include <cstdint>
#include <string>

namespace hx {

class PullReporter {
 public:
  virtual ~PullReporter() = default;
  // The latest status of the pull of `what` ("mixtral:8x7b on llm-primary").
  virtual void update(const std::string& what, const std::string& status, int64_t completed,
                      int64_t total) = 0;
  // It ended: "done", "failed", "up to date".
  virtual void finish(const std::string& what, const std::string& outcome) = 0;
};

}  // namespace hx
