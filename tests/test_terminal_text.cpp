// The terminal filter every byte hxctl prints goes through (src/platform/terminal_text.h).
#include <catch2/catch.hpp>
#include <sstream>

#include "src/platform/terminal_text.h"

using hx::printableText;
using hx::TerminalTextBuf;

namespace {

// What `pieces`, written one after another (as separate << operations and flushes), look like
// once filtered.
std::string filtered(const std::vector<std::string>& pieces) {
  std::ostringstream sink;
  {
    TerminalTextBuf filter(sink.rdbuf());
    std::ostream out(&filter);
    for (const auto& p : pieces) out << p;
  }
  return sink.str();
}

}  // namespace

TEST_CASE("terminal text: control characters from a server are shown, not obeyed", "[terminal]") {
  // A window title, a screen clear, a line up, a carriage return, a bell, DEL, 8-bit CSI.
  CHECK(filtered({"a\x1b]0;owned\x07"
                  "b"}) == "a\\x1b]0;owned\\x07b");
  CHECK(filtered({"\x1b[2J\x1b[1A\rok"}) == "\\x1b[2J\\x1b[1A\\x0dok");
  CHECK(filtered({"x\x7fy\xc2\x9b"
                  "31m"}) == "x\\u007fy\\u009b31m");
  CHECK(filtered({"\x1b"}) == "\\x1b");                // a lone ESC at the end
  CHECK(filtered({"\x1b\x1b[1m"}) == "\\x1b\x1b[1m");  // the second one is a colour
  // Newlines and tabs stay; other UTF-8 (é, 0xC2 0xA0) is untouched.
  CHECK(filtered({"line 1\n\tline 2 \xc3\xa9\xc2\xa0"}) == "line 1\n\tline 2 \xc3\xa9\xc2\xa0");
}

TEST_CASE("terminal text: JSON output stays JSON with the same meaning", "[terminal]") {
  // nlohmann escapes C0 itself; DEL and C1 reach the filter raw inside a string.
  const std::string json =
      "{\"name\":\"a\x7f\xc2\x9b"
      "b\"}";
  CHECK(filtered({json}) == "{\"name\":\"a\\u007f\\u009bb\"}");
}

TEST_CASE("terminal text: colours pass, whole or split across writes", "[terminal]") {
  CHECK(filtered({"\x1b[31mred\x1b[0m"}) == "\x1b[31mred\x1b[0m");
  CHECK(filtered({"\x1b[1;32mok\x1b[0m"}) == "\x1b[1;32mok\x1b[0m");
  CHECK(filtered({"\x1b[", "31", "m", "red"}) == "\x1b[31mred");
  // Not a colour: too long, or another final byte.
  CHECK(filtered({"\x1b[" + std::string(40, '1') + "m"}).rfind("\\x1b[", 0) == 0);
  CHECK(filtered({"\x1b[31A"}) == "\\x1b[31A");
  CHECK(filtered({"\xc2", "\x9b"}) == "\\u009b");  // C1 split between writes
}

TEST_CASE("terminal text: hxctl's own cursor movement goes around the filter", "[terminal]") {
  std::ostringstream sink;
  {
    TerminalTextBuf filter(sink.rdbuf());
    std::ostream out(&filter);
    TerminalTextBuf::raw(out, "\x1b[2A\r\x1b[K");
    out << "pulling \x1b[2J\n";
  }
  CHECK(sink.str() == "\x1b[2A\r\x1b[Kpulling \\x1b[2J\n");
  // On a stream without the filter (tests, a string) it writes as it is.
  std::ostringstream plain;
  TerminalTextBuf::raw(plain, "\x1b[K");
  CHECK(plain.str() == "\x1b[K");
}

TEST_CASE("printable text for logs: one line, every control shown", "[terminal]") {
  CHECK(printableText("a\nb\tc\x1b[31m", false) == "a\\x0ab\\x09c\\x1b[31m");
  CHECK(printableText("a\nb\tc\x1b", true) == "a\nb\tc\\x1b");
  CHECK(printableText("\xc2\x85next line", true) == "\\u0085next line");
  CHECK(printableText("plain", false) == "plain");
}
