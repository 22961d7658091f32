// Every file in tests/corpus/ is a broken spec ending with the exact diagnostics it must produce,
// as "# expect: FILE:LINE:COL: PATH: MESSAGE" lines.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fakes/memory_spec_source.h"
#include "reconciler/loader.h"

using namespace hx;
namespace fs = std::filesystem;

TEST_CASE("each broken spec in the corpus yields exactly its expected file:line:col messages",
          "[specs][corpus]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(HX_CORPUS_DIR))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 25);
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> expected;
    std::string line;
    std::istringstream lines(text.str());
    while (std::getline(lines, line))
      if (line.rfind("# expect: ", 0) == 0) expected.push_back(line.substr(10));
    fake::MemorySpecSource source;
    source.add(path.filename().string(), text.str());
    LoadResult loaded = loadSpecs(source, {path.filename().string()});
    std::vector<std::string> actual;
    for (const auto& d : loaded.diagnostics) actual.push_back(formatDiagnostic(d));
    INFO(path.filename().string());
    REQUIRE_FALSE(expected.empty());
    CHECK(actual == expected);
  }
}
