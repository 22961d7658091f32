// The report's pieces that need no process: the Markdown renderer's escaping, effort estimates in
// the operators' words and their sums.
#include <catch2/catch.hpp>

#include "reconciler/values.h"
#include "src/views/report_blocks.h"

using namespace hx;

TEST_CASE("report: text a server answered cannot be markup or a terminal sequence in the Markdown",
          "[report]") {
  Json doc = {{"title", "t"},
              {"header", Json::array()},
              {"sections", {report::section("## not a heading\x1b[31m", 2)}}};
  doc["sections"][0]["blocks"].push_back(
      report::paragraph("evidence: <img src=x> \x07 in <5ms, `<kept>`"));
  doc["sections"][0]["blocks"].push_back(report::table({"a"}, {{"x | y\nz"}}));
  const std::string md = renderReportMarkdown(doc);
  CHECK(md.find('\x1b') == std::string::npos);
  CHECK(md.find('\x07') == std::string::npos);
  CHECK(md.find("evidence: \\<img src=x>   in <5ms, `<kept>`") != std::string::npos);
  CHECK(md.find("| x \\| y z |") != std::string::npos);
  CHECK(md.find("\n## ## not a heading [31m\n") != std::string::npos);
}

TEST_CASE("report: efforts read as the operators write them, and sum in their style", "[report]") {
  auto minutes = [](const char* text) {
    auto e = parseEffort(text);
    return e ? std::pair{e->lowMinutes, e->highMinutes} : std::pair<int64_t, int64_t>{-1, -1};
  };
  CHECK(minutes("4-6 hours") == std::pair<int64_t, int64_t>{240, 360});
  CHECK(minutes("25 minutes") == std::pair<int64_t, int64_t>{25, 25});
  CHECK(minutes("2.5 hours") == std::pair<int64_t, int64_t>{150, 150});
  CHECK(minutes("1 hour") == std::pair<int64_t, int64_t>{60, 60});
  CHECK(minutes("4h-6h") == std::pair<int64_t, int64_t>{240, 360});
  CHECK(minutes("90m") == std::pair<int64_t, int64_t>{90, 90});
  CHECK(minutes("6-4 hours").first == -1);  // backwards
  CHECK(effortBackwards("6-4 hours"));
  CHECK(effortBackwards("6h-4h"));
  CHECK_FALSE(effortBackwards("4-6 hours"));
  CHECK_FALSE(effortBackwards("soon-later"));
  CHECK(minutes("soon").first == -1);
  CHECK(minutes("4 - 6 hours").first == -1);
  CHECK(formatEffort({1200, 1740}) == "20-29 hours");
  CHECK(formatEffort({60, 60}) == "1 hour");
  CHECK(formatEffort({25, 50}) == "25-50 minutes");
  CHECK(formatEffort({130, 130}) == "2h10m");
  CHECK(formatEffort({130, 200}) == "2h10m-3h20m");
}
