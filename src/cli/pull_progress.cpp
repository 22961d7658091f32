#include "src/cli/pull_progress.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "src/platform/terminal_text.h"

namespace hx {

std::string humanBytes(int64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

namespace {
std::atomic<bool> gToLog{false};
}  // namespace

void PullProgress::routeToLog(bool on) { gToLog = on; }

void PullProgress::update(const std::string& what, const std::string& status, int64_t completed,
                          int64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.nowMillis();
  Pull& p = pulls_[what];
  if (p.startedMs == 0) {
    p.startedMs = now;
    order_.push_back(what);
  }
  bool first = p.lastShownMs == 0;
  const bool tty = tty_ && !gToLog;
  if (!first && now - p.lastShownMs < (tty ? 100 : plainEveryMs_)) return;
  p.lastShownMs = now;
  double seconds = std::max<int64_t>(1, now - p.startedMs) / 1000.0;
  std::string line = what + ": " + status;
  if (total > 0) {
    char pct[16];
    snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(100 * completed / total));
    line += std::string(pct) + " " + humanBytes(completed) + " / " + humanBytes(total) + ", " +
            humanBytes(static_cast<int64_t>(completed / seconds)) + "/s";
  }
  p.line = line;
  if (gToLog)
    spdlog::info("{}", line);
  else if (tty)
    redraw("");
  else
    out_ << "  " << line << "\n";
}

void PullProgress::redraw(const std::string& finished) {
  // hxctl's own cursor movement goes around the terminal filter; the lines, which carry what
  // the server said, go through it.
  if (drawn_ > 0)  // back to the block's first line
    TerminalTextBuf::raw(out_, "\033[" + std::to_string(drawn_) + "A");
  if (!finished.empty()) {  // stays above the block
    TerminalTextBuf::raw(out_, "\r\033[K");
    out_ << "  " << finished << "\n";
  }
  for (const auto& w : order_) {
    TerminalTextBuf::raw(out_, "\r\033[K");
    out_ << "  " << pulls_[w].line << "\n";
  }
  // The block is one line shorter when a pull ended: its old last line is now `finished`'s.
  drawn_ = order_.size();
  out_ << std::flush;
}

void PullProgress::finish(const std::string& what, const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pulls_.find(what);
  if (it == pulls_.end() && outcome == "up to date") return;
  pulls_.erase(what);
  order_.erase(std::remove(order_.begin(), order_.end(), what), order_.end());
  if (gToLog) {
    spdlog::info("{}: pull {}", what, outcome);
    return;
  }
  if (tty_)
    redraw(what + ": pull " + outcome);
  else
    out_ << "  " << what << ": pull " << outcome << "\n";
}

}  // namespace hx
