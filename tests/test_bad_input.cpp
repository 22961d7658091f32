// Hostile and broken spec input through whole hxctl processes: every command stops with a located
// error in bounded time and memory, changes nothing, and -o json still prints one JSON document.
#include <catch2/catch.hpp>

#include "cli_harness.h"
#include "fakes/estate_fixture.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::Run;

namespace {

// What a command may take beyond what hxctl takes to validate a small estate: far above what the
// parse of a refused or budget-capped file needs, far below what an unbounded parse reaches in
// the seconds it is given. Measured above that baseline, because the baseline is mostly the
// binary itself (100 MiB and more under AddressSanitizer, growing with the code).
constexpr long kBoundedExtraRssKb = 256 * 1024;

// Peak memory of `hxctl validate` of the small fixture estate, in a harness of its own.
long baselineRssKb() {
  static const long kb = [] {
    CliHarness h("rss-baseline");
    h.writeSpec("estate.yaml", fake::kSmallEstate);
    return h.runMeasured("validate -f specs", 20).peakRssKb;
  }();
  return kb;
}

bool bounded(const Run& r) { return r.peakRssKb - baselineRssKb() < kBoundedExtraRssKb; }

size_t lineCount(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

}  // namespace

TEST_CASE("a spec line starting with a comma stops validate, plan and apply at that line, bounded",
          "[cli][bad-input]") {
  CliHarness h("comma");
  h.writeSpec("estate.yaml", std::string(fake::kSmallEstate) + "---\n, kind: Host\n");
  const int commaLine = static_cast<int>(lineCount(fake::kSmallEstate)) + 2;
  const std::string where = "specs/estate.yaml:" + std::to_string(commaLine) + ":1: ";
  for (const char* cmd : {"validate -f specs", "plan -f specs", "apply --auto-approve -f specs"}) {
    Run r = h.runMeasured(cmd, 20);
    INFO(cmd << " exit " << r.code << ", peak " << r.peakRssKb << " KiB (baseline "
             << baselineRssKb() << ")\n"
             << r.out << r.err);
    CHECK(r.code == 3);
    CHECK((r.out + r.err).find(where + "YAML syntax error: unexpected \",\"") != std::string::npos);
    CHECK(bounded(r));
  }
  CHECK(h.world().calls().empty());  // nothing was observed, let alone changed
}

TEST_CASE("a huge spec file is refused before it is read, and errors are capped when printed",
          "[cli][bad-input]") {
  CliHarness h("huge");
  // 1.5 million unknown keys in 20 MB, as the fault study had it.
  std::string huge = "apiVersion: hx/v1\nkind: Host\nmetadata: {name: h}\nspec:\n";
  huge.reserve(21 << 20);
  for (int i = 0; huge.size() < (20u << 20); ++i) huge += "  k" + std::to_string(i) + ": 1\n";
  h.writeSpec("huge.yaml", huge);
  Run r = h.runMeasured("validate -f specs", 20);
  INFO("exit " << r.code << ", peak " << r.peakRssKb << " KiB (baseline " << baselineRssKb()
               << ")\n"
               << r.out.substr(0, 2000));
  CHECK(r.code == 3);
  CHECK(r.out.find("specs/huge.yaml: the file is 20.0 MiB, above the limit of 8 MiB for one spec "
                   "file (--max-spec-bytes)") != std::string::npos);
  CHECK(bounded(r));

  // Let it in: the node budget of one document stops it, still located and bounded.
  Run raised = h.runMeasured("validate -f specs --max-spec-bytes 32MiB", 20);
  INFO(raised.out.substr(0, 2000));
  CHECK(raised.code == 3);
  CHECK(raised.out.find("more than 100000 YAML nodes in one document") != std::string::npos);
  CHECK(bounded(raised));

  // Many errors: the first fifty printed, then a count; JSON keeps 200 and counts them all.
  h.removeSpec("huge.yaml");
  std::string many = "apiVersion: hx/v1\nkind: Host\nmetadata: {name: h}\nspec:\n";
  for (int i = 0; i < 20000; ++i) many += "  k" + std::to_string(i) + ": 1\n";
  h.writeSpec("many.yaml", many);
  Run text = h.runMeasured("validate -f specs", 20);
  CHECK(text.code == 3);
  CHECK(lineCount(text.out) == 52);
  CHECK(text.out.find("... and 19952 more errors, not shown (20002 in all; fix these first)") !=
        std::string::npos);
  Run json = h.runMeasured("validate -f specs -o json", 20);
  Json doc = Json::parse(json.out, nullptr, false);
  REQUIRE(doc.is_object());
  CHECK(doc["errorCount"] == 20002);
  CHECK(doc["errors"].size() == 200);
}

TEST_CASE("a spec path that is a device or a pipe is refused, not read", "[cli][bad-input]") {
  CliHarness h("device");
  h.writeSpec("estate.yaml", fake::kSmallEstate);
  std::filesystem::create_symlink("/dev/zero", h.dir() / "specs" / "zero.yaml");
  Run r = h.runMeasured("validate -f specs", 20);
  INFO(r.out << r.err);
  CHECK(r.code == 3);
  CHECK(r.out.find("specs/zero.yaml: not a regular file") != std::string::npos);
  CHECK(bounded(r));
}

TEST_CASE("JSON output (-o json) is exactly one JSON document on every failing path",
          "[cli][bad-input]") {
  CliHarness h("json-paths");
  h.writeSpec("estate.yaml", fake::kSmallEstate);
  std::filesystem::create_directories(h.dir() / "store-is-a-dir");
  struct Case {
    std::string args;
    int code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"plan -f specs --target Nope", 1, "--target Nope: expected KIND/NAME"},
      {"plan -f specs --target Collection/nope", 1, "no such resource"},
      {"plan -f specs --state store-is-a-dir", 1, ""},
      {"plan -f missing-dir", 3, "missing-dir"},
      {"plan", 1, "no specs: pass -f FILE|DIR"},
      {"apply --auto-approve -f specs --parallelism 0", 1, "--parallelism"},
      {"history 999", 1, "no run 999"},
      {"force-unlock 12345", 1, ""},
      {"validate -f specs --max-spec-bytes lots", 1, "--max-spec-bytes"},
  };
  for (const auto& c : cases) {
    for (const char* form : {"-o json", "--output=json"}) {
      Run r = h.run(c.args + " " + std::string(form));
      INFO(c.args << " " << form << ": exit " << r.code << "\nstdout: " << r.out
                  << "\nstderr: " << r.err);
      CHECK(r.code == c.code);
      Json doc = Json::parse(r.out, nullptr, false);
      REQUIRE_FALSE(doc.is_discarded());
      if (doc.contains("ok")) {
        CHECK(doc["ok"] == false);
        CHECK(doc["exitCode"] == c.code);
        REQUIRE(doc["errors"].is_array());
        CHECK_FALSE(doc["errors"].empty());
        if (!c.says.empty()) CHECK(doc["errors"].dump().find(c.says) != std::string::npos);
      } else {
        CHECK(doc["valid"] == false);  // validation's own document
        if (!c.says.empty()) CHECK(doc["errors"].dump().find(c.says) != std::string::npos);
      }
    }
  }
  // Invalid UTF-8 in a spec: validation's document, with the location.
  h.writeSpec("bad.yaml", "apiVersion: hx/v1\nkind: Host\nmetadata: {name: \"h\xff\"}\n");
  Run r = h.run("validate -f specs -o json");
  Json doc = Json::parse(r.out, nullptr, false);
  REQUIRE(doc.is_object());
  CHECK(r.code == 3);
  CHECK(doc["errors"][0]["file"] == "specs/bad.yaml");
  CHECK(doc["errors"][0]["line"] == 3);
  CHECK(doc["errors"][0]["message"] == "invalid UTF-8 (byte 0xFF): a spec file must be UTF-8 text");
}

TEST_CASE(
    "a store URL with a password in it is refused, and no message, note or copy line prints the "
    "password",
    "[cli][security]") {
  CliHarness h("pg-password");
  for (const std::string url : {"postgres://hx@127.0.0.1:1/hx?sslmode=disable&password=hunter2",
                                "postgres://hx:hunter2@127.0.0.1:1/hx"}) {
    INFO(url);
    for (const auto& args : std::vector<std::string>{"history --state '" + url + "'",
                                                     "state migrate --to '" + url + "'",
                                                     "status -f specs --state '" + url + "'"}) {
      Run r = h.run(args);
      INFO(args << "\n" << r.out << r.err);
      CHECK(r.code != 0);
      CHECK((r.out + r.err).find("hunter2") == std::string::npos);
    }
    Run r = h.run("history --state '" + url + "'");
    CHECK(r.err.find("holds a password: give it in PGPASSWORD or a PGPASSFILE") !=
          std::string::npos);
  }
}
