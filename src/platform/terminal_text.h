// Text for a terminal that a server cannot take over. A host's answers reach hxctl's output in
// error messages, names, statuses and progress lines; a compromised server or proxy could put
// escape sequences in them that set the window title, clear the screen, move the cursor back
// over a line to forge "ok", or (OSC 52) write to the clipboard. hxctl's standard output and
// error go through TerminalTextBuf, which shows every control character as text (\x1b, \r,
// \u009b) except newline and tab, and passes one kind of escape sequence: colour (SGR, "ESC [
// digits ; ... m"), which hxctl itself prints and which moves nothing. hxctl's own cursor
// movement (the pull progress block) goes around the filter with TerminalTextBuf::raw.
// Log lines get the same treatment from printableText (logging.cpp), newlines included, so a
// line from a server cannot forge a second log record.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace hx {

// `text` with every control character (C0 but, when keepLines, newline and tab; DEL; C1 in
// UTF-8) written as a visible escape.
std::string printableText(std::string_view text, bool keepLines);

// Whether `text` holds a control character other than tab (C0, DEL): what no HTTP header value
// or secret may carry (a CR/LF would start a header of the sender's choosing).
bool hasControlCharacter(std::string_view text);

class TerminalTextBuf : public std::streambuf {
 public:
  explicit TerminalTextBuf(std::streambuf* target) : target_(target) {}
  ~TerminalTextBuf() override;
  TerminalTextBuf(const TerminalTextBuf&) = delete;
  TerminalTextBuf& operator=(const TerminalTextBuf&) = delete;

  std::streambuf* target() const { return target_; }
  // Writes `bytes` (hxctl's own control sequences) to `out` unfiltered.
  static void raw(std::ostream& out, std::string_view bytes);

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void put(unsigned char c);
  void emit(std::string_view bytes) { target_->sputn(bytes.data(), bytes.size()); }
  void emitEscaped(unsigned char c);
  void releasePending();  // a held sequence that turned out not to be a colour, shown as text

  std::streambuf* target_;
  std::string pending_;  // bytes held: an ESC sequence being read, or a lone 0xC2
};

}  // namespace hx
