// hxctl.yaml: reading it (examples/etc/hxctl.yaml, the daemon's, must read), finding it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "src/run/estate_config.h"

using namespace hx;
namespace fs = std::filesystem;

TEST_CASE("the daemon's example hxctl.yaml reads as an estate with its specs, store and defaults",
          "[config]") {
  auto config = readEstateConfig(std::string(HX_SOURCE_DIR) + "/examples/etc/hxctl.yaml");
  REQUIRE(config);
  CHECK(config.value().estate == "hx-estate");
  CHECK(config.value().specs == std::vector<std::string>{"/etc/hxctl/specs"});
  CHECK(config.value().state == "/var/lib/hxctl/state.db");
  CHECK(config.value().defaults.at("interval") == "60s");
  CHECK(estateIdentity(config.value(), config.value().specs) == "hx-estate");
}

TEST_CASE("hxctl.yaml is found beside the specs or above them, and relative paths are its own",
          "[config]") {
  fs::path root = fs::temp_directory_path() / ("hxctl-config-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "estate" / "specs" / "deep");
  std::ofstream(root / "estate" / "hxctl.yaml") << "estate: e\nspecs: specs\nstate: s/state.db\n";
  const std::string found = (root / "estate" / "hxctl.yaml").string();
  CHECK(findEstateConfig("", {(root / "estate" / "specs" / "deep").string()}, "") == found);
  CHECK(findEstateConfig("", {(root / "estate" / "specs" / "x.yaml").string()}, "") == found);
  CHECK(findEstateConfig("/named.yaml", {}, "") == "/named.yaml");
  CHECK(findEstateConfig("", {root.string()}, "/nonexistent/hxctl.yaml") == "");
  auto config = readEstateConfig(found);
  REQUIRE(config);
  CHECK(config.value().specs.front() == (root / "estate" / "specs").string());
  CHECK(config.value().state == (root / "estate" / "s" / "state.db").string());
  // Without a config, specs are known by their directory, however they were named.
  EstateConfig none;
  CHECK(estateIdentity(none, {(root / "estate" / "specs").string()}) ==
        estateIdentity(none, {(root / "estate" / "specs" / "x.yaml").string()}));
  fs::remove_all(root);
}
