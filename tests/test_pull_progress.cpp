#include <catch2/catch.hpp>
#include <sstream>

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

TEST_CASE("pull progress: one self-rewriting line on a terminal", "[progress]") {
  fake::ManualClock clock;
  std::ostringstream out;
  PullProgress p(out, true, clock);
  p.update("Model/phi3", "pulling manifest", 0, 0);
  clock.advance(200);
  p.update("Model/phi3", "pulling 1a2b3c4d5e6f", 500'000'000, 2'000'000'000);
  p.finish("Model/phi3", "failed");
  CHECK(out.str() ==
        "\r\033[K  Model/phi3: pulling manifest"
        "\r\033[K  Model/phi3: pulling 1a2b3c4d5e6f  25% 500.0 MB / 2.0 GB, 2.5 GB/s"
        "\r\033[K  Model/phi3: pull failed\n");
  CHECK(humanBytes(274302450) == "274.3 MB");
  CHECK(humanBytes(999) == "999 B");
}
