#include "src/platform/terminal_text.h"

#include <cstdio>

namespace hx {

namespace {

constexpr unsigned char kEsc = 0x1b;
// Longest colour sequence passed ("ESC[" and parameters): longer is not hxctl's and is shown.
constexpr size_t kMaxColour = 24;

bool isControl(unsigned char c, bool keepLines) {
  if (keepLines && (c == '\n' || c == '\t')) return false;
  return c < 0x20 || c == 0x7f;
}

// C0 as \xNN; DEL as \u007f, which is also what it means in a JSON string (nlohmann escapes
// C0 in JSON but not DEL or C1, so the filter's \u forms keep -o json output valid JSON).
std::string visible(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, c == 0x7f ? "\\u%04x" : "\\x%02x", c);
  return buf;
}

std::string visibleC1(unsigned char second) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", second);
  return buf;
}

// U+0080..U+009F in UTF-8: 0xC2 followed by 0x80..0x9F.
bool isC1Second(unsigned char c) { return c >= 0x80 && c <= 0x9f; }

}  // namespace

std::string printableText(std::string_view text, bool keepLines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (isControl(c, keepLines)) {
      out += visible(c);
    } else if (c == 0xc2 && i + 1 < text.size() &&
               isC1Second(static_cast<unsigned char>(text[i + 1]))) {
      out += visibleC1(static_cast<unsigned char>(text[++i]));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool hasControlCharacter(std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

TerminalTextBuf::~TerminalTextBuf() { sync(); }

void TerminalTextBuf::raw(std::ostream& out, std::string_view bytes) {
  if (auto* filter = dynamic_cast<TerminalTextBuf*>(out.rdbuf())) {
    filter->releasePending();
    filter->emit(bytes);
  } else {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}

void TerminalTextBuf::emitEscaped(unsigned char c) { emit(visible(c)); }

void TerminalTextBuf::releasePending() {
  if (pending_.empty()) return;
  const std::string held = std::move(pending_);
  pending_.clear();
  if (static_cast<unsigned char>(held[0]) == 0xc2) {
    emit(held);  // a 0xC2 whose second byte never came (yet): not a C1 control
    return;
  }
  emitEscaped(kEsc);
  for (size_t i = 1; i < held.size(); ++i) put(static_cast<unsigned char>(held[i]));
}

void TerminalTextBuf::put(unsigned char c) {
  if (!pending_.empty()) {
    if (static_cast<unsigned char>(pending_[0]) == 0xc2) {
      pending_.clear();
      if (isC1Second(c)) {
        emit(visibleC1(c));
        return;
      }
      emit("\xc2");
      // and c is read on its own below
    } else {
      // ESC, then "[", then digits and ';', then 'm': a colour. Anything else is shown.
      const bool opening = pending_.size() == 1;
      if (opening ? c == '['
                  : ((c >= '0' && c <= '9') || c == ';') && pending_.size() < kMaxColour) {
        pending_ += static_cast<char>(c);
        return;
      }
      if (!opening && c == 'm') {
        pending_ += 'm';
        emit(pending_);
        pending_.clear();
        return;
      }
      releasePending();
      // and c is read on its own below
    }
  }
  if (c == kEsc || c == 0xc2) {
    pending_.assign(1, static_cast<char>(c));
  } else if (isControl(c, true)) {
    emitEscaped(c);
  } else {
    const char ch = static_cast<char>(c);
    target_->sputc(ch);
  }
}

TerminalTextBuf::int_type TerminalTextBuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  put(static_cast<unsigned char>(traits_type::to_char_type(ch)));
  return ch;
}

std::streamsize TerminalTextBuf::xsputn(const char* s, std::streamsize n) {
  std::streamsize i = 0;
  while (i < n) {
    // Plain text in one piece: the common case, at the target's own speed.
    std::streamsize run = 0;
    if (pending_.empty()) {
      while (i + run < n) {
        const auto c = static_cast<unsigned char>(s[i + run]);
        if (c == kEsc || c == 0xc2 || isControl(c, true)) break;
        ++run;
      }
    }
    if (run > 0) {
      target_->sputn(s + i, run);
      i += run;
      continue;
    }
    put(static_cast<unsigned char>(s[i++]));
  }
  return n;
}

int TerminalTextBuf::sync() {
  // A sequence cut at a flush is not held across it: shown as text, so nothing is lost.
  if (!pending_.empty() && static_cast<unsigned char>(pending_[0]) == kEsc) releasePending();
  if (!pending_.empty()) {
    emit(pending_);
    pending_.clear();
  }
  return target_->pubsync();
}

}  // namespace hx
