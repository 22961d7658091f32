#include <catch2/catch.hpp>
#include <cctype>
#include <sstream>
#include <vector>

#include "fakes/manual_clock.h"
#include "src/cli/pull_progress.h"

using namespace hx;

TEST_CASE("pull progress: plain periodic lines off a terminal", "[progress]") {
  fake::ManualClock clock;
  std::ostringstream out;
  PullProgress p(out, false, clock, 5000);
  p.update("Model/mixtral", "pulling 8eeb52dfb3bb", 0, 4'000'000'000);
  clock.advance(1000);
  p.update("Model/mixtral", "pulling 8eeb52dfb3bb", 1'000'000'000, 4'000'000'000);  // too soon
  clock.advance(5000);
  p.update("Model/mixtral", "pulling 8eeb52dfb3bb", 2'000'000'000, 4'000'000'000);
  p.finish("Model/mixtral", "succeeded");
  CHECK(out.str() ==
        "  Model/mixtral: pulling 8eeb52dfb3bb   0% 0 B / 4.0 GB, 0 B/s\n"
        "  Model/mixtral: pulling 8eeb52dfb3bb  50% 2.0 GB / 4.0 GB, 333.3 MB/s\n"
        "  Model/mixtral: pull succeeded\n");
}

namespace {

// What a terminal shows after `text`: lines, with \r, \n, ESC[K (clear to the end of the line)
// and ESC[nA (n lines up) as a terminal treats them.
std::vector<std::string> screen(const std::string& text) {
  std::vector<std::string> lines(1);
  size_t row = 0, col = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      ++row;
      col = 0;
      if (row == lines.size()) lines.emplace_back();
    } else if (c == '\033' && i + 1 < text.size() && text[i + 1] == '[') {
      size_t j = i + 2, n = 0;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
        n = n * 10 + static_cast<size_t>(text[j++] - '0');
      if (text[j] == 'K') lines[row].erase(std::min(col, lines[row].size()));
      if (text[j] == 'A') row -= std::min(row, n);
      i = j;
    } else {
      if (lines[row].size() <= col) lines[row].resize(col + 1, ' ');
      lines[row][col++] = c;
    }
  }
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace

TEST_CASE("pull progress: on a terminal, one self-rewriting line per pull in flight",
          "[progress]") {
  fake::ManualClock clock;
  std::ostringstream out;
  PullProgress p(out, true, clock);
  p.update("Model/phi3", "pulling manifest", 0, 0);
  clock.advance(200);
  p.update("Model/phi3", "pulling 1a2b3c4d5e6f", 500'000'000, 2'000'000'000);
  CHECK(screen(out.str()) ==
        std::vector<std::string>{"  Model/phi3: pulling 1a2b3c4d5e6f  25% 500.0 MB / 2.0 GB, "
                                 "2.5 GB/s"});
  p.update("Model/embed", "pulling manifest", 0, 0);  // a second pull, in parallel
  clock.advance(200);
  p.update("Model/phi3", "pulling 1a2b3c4d5e6f", 1'000'000'000, 2'000'000'000);
  CHECK(
      screen(out.str()) ==
      std::vector<std::string>{"  Model/phi3: pulling 1a2b3c4d5e6f  50% 1.0 GB / 2.0 GB, 2.5 GB/s",
                               "  Model/embed: pulling manifest"});
  p.finish("Model/phi3", "failed");
  CHECK(screen(out.str()) ==
        std::vector<std::string>{"  Model/phi3: pull failed", "  Model/embed: pulling manifest"});
  p.finish("Model/embed", "succeeded");
  CHECK(screen(out.str()) ==
        std::vector<std::string>{"  Model/phi3: pull failed", "  Model/embed: pull succeeded"});
  CHECK(humanBytes(274302450) == "274.3 MB");
  CHECK(humanBytes(999) == "999 B");
}
