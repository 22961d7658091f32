// Shows model pulls as they progress: on a terminal a block with one self-rewriting line per pull
// in flight (bytes, percent, rate), so parallel pulls do not overwrite each other, and a line
// that stays when one ends; otherwise a plain line per pull at most every few seconds, so logs
// stay readable.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "reconciler/clock.h"
#include "src/providers/pull_reporter.h"

namespace hx {

class PullProgress : public PullReporter {
 public:
  PullProgress(std::ostream& out, bool tty, Clock& clock, int64_t plainEveryMs = 5000)
      : out_(out), tty_(tty), clock_(clock), plainEveryMs_(plainEveryMs) {}
  void update(const std::string& what, const std::string& status, int64_t completed,
              int64_t total) override;
  void finish(const std::string& what, const std::string& outcome) override;
  // The daemon: progress becomes log lines (info), at the plain pace, so journald and
  // --log-format json see every line in their own form. Process-wide, set once at start.
  static void routeToLog(bool on);

 private:
  struct Pull {
    int64_t startedMs = 0;
    int64_t lastShownMs = 0;
    std::string line;
  };
  // The terminal block: rewrite the `drawn_` lines above the cursor with the pulls in flight.
  void redraw(const std::string& finished);
  std::ostream& out_;
  bool tty_;
  Clock& clock_;
  int64_t plainEveryMs_;
  std::mutex mu_;  // guards pulls_ and the stream
  std::map<std::string, Pull> pulls_;
  std::vector<std::string> order_;  // pulls in flight, in the order they started
  size_t drawn_ = 0;                // lines of the block on the terminal now
};

// "1.8 GB", "274 MB", "12 kB"
std::string humanBytes(int64_t bytes);

}  // namespace hx
