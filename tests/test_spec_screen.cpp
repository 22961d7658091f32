// The screen in front of the YAML loader (reconciler/spec_screen.h): every input is refused or
// loaded in bounded time and memory, and what loads keeps its file:line.
#include <catch2/catch.hpp>

#include "fakes/memory_spec_source.h"
#include "reconciler/loader.h"
#include "reconciler/spec_parser.h"
#include "reconciler/spec_screen.h"

using namespace hx;

namespace {

const char* kHost =
    "apiVersion: hx/v1\nkind: Host\nmetadata: {name: h}\n"
    "spec:\n  address: 127.0.0.1\n  api: {type: ollama, url: \"http://127.0.0.1:11434\"}\n";

std::string refusalOf(const std::string& text, SpecLimits limits = {}) {
  ScreenedText s = screenSpecText(text, "f.yaml", limits);
  return s.refusal ? formatDiagnostic(*s.refusal) : std::string();
}

}  // namespace

TEST_CASE("a document that starts with a comma is refused at its line, where yaml-cpp would loop",
          "[specs][screen]") {
  CHECK(refusalOf(",\n").rfind("f.yaml:1:1: YAML syntax error: unexpected \",\"", 0) == 0);
  CHECK(refusalOf(std::string(kHost) + "---\n, x: 1\n").rfind("f.yaml:8:1: ", 0) == 0);
  CHECK(refusalOf("&a ,\n").rfind("f.yaml:1:4: ", 0) == 0);
  // The same error through the loader: one diagnostic, and no resource from a file that has it.
  ParsedSpecs parsed = parseSpecs(std::string(kHost) + "---\n, x: 1\n", "f.yaml");
  CHECK(parsed.resources.empty());
  REQUIRE(parsed.diagnostics.size() == 1);
}

TEST_CASE("invalid UTF-8 and control characters are refused with line and column",
          "[specs][screen]") {
  CHECK(refusalOf("a: 1\nb: caf\xc3\xa9 \xff\n") ==
        "f.yaml:2:9: invalid UTF-8 (byte 0xFF): a spec file must be UTF-8 text");
  CHECK(refusalOf("a: \xc0\xaf\n").find("invalid UTF-8 (byte 0xC0)") != std::string::npos);
  CHECK(refusalOf("a: \xed\xa0\x80\n").find("invalid UTF-8 (byte 0xED)") != std::string::npos);
  CHECK(refusalOf("a: \xf4\x90\x80\x80\n").find("invalid UTF-8") != std::string::npos);
  CHECK(refusalOf("a: \xe2\x82\n").find("invalid UTF-8") != std::string::npos);
  CHECK(refusalOf(std::string("a: 1\0\n", 6)).rfind("f.yaml:1:5: control character U+0000", 0) ==
        0);
  CHECK(refusalOf("a: \"\\e[31m\"\n").find("control character U+001B") != std::string::npos);
  CHECK(refusalOf("a: \"\\x7f\"\n").find("control character U+007F") != std::string::npos);
  // What values may hold: tabs, line breaks, any printable character.
  CHECK(
      refusalOf("a: \"tab\\there\\nnext line\"\nb: |\n  two\n  lines\nc: \xe6\x97\xa5\n").empty());
  CHECK(refusalOf("\xef\xbb\xbf"
                  "a: 1\n")
            .empty());  // a UTF-8 byte order mark
}

TEST_CASE("tags other than !!str are refused, !!str is kept", "[specs][screen]") {
  CHECK(refusalOf("a: !!python/object x\n") ==
        "f.yaml:1:4: YAML tag !!python/object is not accepted: hxctl reads plain YAML (only "
        "!!str is allowed)");
  CHECK(refusalOf("a: !custom {b: 1}\n").find("YAML tag !custom") != std::string::npos);
  CHECK(refusalOf("a: !!binary aGk=\n").find("YAML tag !!binary") != std::string::npos);
  CHECK(refusalOf("a: !!str 0755\nb: 'quoted'\n").empty());
}

TEST_CASE("aliases are counted expanded, so an alias bomb stops at the node budget",
          "[specs][screen]") {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", " : "") + prev;
    bomb += "]\n";
  }
  CHECK(refusalOf(bomb).find("YAML nodes in one document (aliases counted expanded)") !=
        std::string::npos);
  // Across documents, the file's budget: 1024 bytes of limit allow 256 nodes.
  SpecLimits small;
  small.maxFileBytes = 1024;
  std::string many;
  for (int i = 0; i < 30; ++i) many += "---\n[a, b, c, d, e, f, g, h, i]\n";
  CHECK(refusalOf(many, small).find("more than 256 YAML nodes in the file") != std::string::npos);
  // A few honest aliases are fine.
  CHECK(refusalOf("base: &b {m: 16}\nx: *b\ny: *b\n").empty());
}

TEST_CASE("nesting is bounded before anything recurses over it", "[specs][screen]") {
  CHECK(refusalOf("a: " + std::string(64, '[') + std::string(64, ']') + "\n")
            .find("nesting deeper than 64 levels") != std::string::npos);
  CHECK(refusalOf("a: " + std::string(63, '[') + std::string(63, ']') + "\n").empty());
  CHECK(refusalOf(std::string(100000, '[')).find("nesting deeper") != std::string::npos);
}

TEST_CASE("a file above the size limit is refused, naming the sizes and the flag",
          "[specs][screen]") {
  SpecLimits limits;
  limits.maxFileBytes = 2048;
  CHECK(refusalOf(std::string(2049, '#'), limits) ==
        "f.yaml: the file is 2049 bytes, above the limit of 2 KiB for one spec file "
        "(--max-spec-bytes); split it, or raise the limit");
  CHECK(refusalOf(std::string(2048, '#'), limits).empty());
  CHECK(formatByteSize(size_t{8} << 20) == "8 MiB");
  CHECK(formatByteSize((size_t{3} << 20) + 1) == "3.0 MiB");
  // The loader adds the files up: four times the per-file limit for one load.
  fake::MemorySpecSource src;
  for (int i = 0; i < 5; ++i) src.add("s/" + std::to_string(i) + ".yaml", std::string(2000, '#'));
  LoadResult loaded = loadSpecs(src, {"s"}, limits);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.diagnostics.back().loc.file == "s/4.yaml");
  CHECK(loaded.diagnostics.back().message.find("above the limit of 8 KiB for one load") !=
        std::string::npos);
}

TEST_CASE("documents load one at a time and keep their lines and columns", "[specs][screen]") {
  // An indented first document, an explicit end marker, comments between documents.
  std::string text = std::string("# leading comment\n") + kHost +
                     "...\n# between\n---\napiVersion: hx/v1\nkind: Model\nmetadata: {name: m}\n"
                     "spec: {host: h, model: x, capability: chat}\n";
  ParsedSpecs parsed = parseSpecs(text, "f.yaml");
  REQUIRE(parsed.diagnostics.size() == 1);
  CHECK(formatDiagnostic(parsed.diagnostics[0]) ==
        "f.yaml:14:39: Model/m spec.capability: \"chat\" is not one of: generate, embed");
  REQUIRE(parsed.resources.size() == 1);
  CHECK(parsed.resources[0].loc.line == 2);
  ScreenedText s = screenSpecText(text, "f.yaml", {});
  REQUIRE(s.documents.size() == 2);
  CHECK(s.documents[0].begin == text.find("apiVersion"));
  CHECK(s.documents[1].begin == text.find("---"));
  CHECK(s.documents[1].firstLine == 9);  // 0-based: the "---" is line 10
  ParsedSpecs indented = parseSpecs("  a: 1\n  b: 2\n", "g.yaml");
  REQUIRE_FALSE(indented.diagnostics.empty());
  CHECK(formatDiagnostic(indented.diagnostics[0]) == "g.yaml:1:3: a: unknown field \"a\"");
}

TEST_CASE("errors are kept up to a cap and the rest counted", "[specs][screen]") {
  std::string text = "apiVersion: hx/v1\nkind: Host\nmetadata: {name: h}\nspec:\n";
  for (int i = 0; i < 5000; ++i) text += "  unknown" + std::to_string(i) + ": 1\n";
  fake::MemorySpecSource src;
  src.add("f.yaml", text);
  LoadResult loaded = loadSpecs(src, {"f.yaml"});
  CHECK(loaded.diagnostics.size() == kMaxKeptDiagnostics);
  // 5000 unknown fields, and the two required ones missing.
  CHECK(loaded.errorCount() == 5002);
}
