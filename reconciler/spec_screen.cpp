#include "reconciler/spec_screen.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

namespace hx {
namespace {

// Where a byte offset falls, 1-based, counting characters (not bytes) within the line.
SourceLoc locate(std::string_view text, size_t offset, std::string_view file) {
  SourceLoc loc{std::string(file), 1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      loc.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++loc.column;
    }
  }
  return loc;
}

struct Decoded {
  char32_t cp = 0;
  size_t length = 0;  // 0: not a well-formed UTF-8 sequence
};

// RFC 3629: shortest form only, no surrogates, nothing above U+10FFFF.
Decoded decodeUtf8(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  unsigned b0 = at(i);
  if (b0 < 0x80) return {b0, 1};
  size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {};
  }
  if (i + n > s.size()) return {};
  for (size_t k = 1; k < n; ++k) {
    unsigned b = at(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, n};
}

// YAML 1.2's c-printable set: what a YAML stream may contain unescaped.
bool yamlPrintable(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
         (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// What a value may hold once escapes are resolved: no terminal controls (an ESC in a description
// would repaint the operator's terminal when a plan prints it), tabs and line breaks allowed.
bool valueCharAllowed(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F));
}

std::string codePoint(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

std::string hexByte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// Offset and description of the first byte that is not UTF-8 or not printable YAML.
std::optional<std::pair<size_t, std::string>> firstBadCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    Decoded d = decodeUtf8(text, i);
    if (d.length == 0)
      return std::make_pair(i, "invalid UTF-8 (byte " +
                                   hexByte(static_cast<unsigned char>(text[i])) +
                                   "): a spec file must be UTF-8 text");
    if (!yamlPrintable(d.cp))
      return std::make_pair(
          i, "control character " + codePoint(d.cp) +
                 " is not allowed in a YAML file (YAML 1.2, 5.1); remove it, or write it as "
                 "an escape in a double-quoted string if it is meant");
    i += d.length;
  }
  return std::nullopt;
}

// Thrown by the event screen to stop yaml-cpp at the first problem.
struct Refusal {
  YAML::Mark mark;
  std::string message;
};

class EventScreen : public YAML::EventHandler {
 public:
  EventScreen(std::string_view text, size_t maxNodes) : text_(text), maxNodes_(maxNodes) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 starts a document at a token it then does not consume (a "," where a node
    // should be) and the next document starts at the same place, for ever (yaml-cpp#1040).
    if (documents_ > 0 && mark.pos == lastDocumentStart_) {
      std::string token = mark.pos >= 0 && static_cast<size_t>(mark.pos) < text_.size()
                              ? std::string(1, text_[static_cast<size_t>(mark.pos)])
                              : std::string("?");
      throw Refusal{mark, "YAML syntax error: unexpected \"" + token +
                              "\" where a value should start (outside [...] and {...}, a "
                              "value cannot begin with \"" +
                              token + "\"; quote it)"};
    }
    ++documents_;
    lastDocumentStart_ = mark.pos;
    anchorSizes_.clear();  // anchors are scoped to their document
    documentNodes_ = 0;
    // From the start of the token's line, so the document's indentation and columns are kept.
    size_t pos = std::min(static_cast<size_t>(std::max(mark.pos, 0)), text_.size());
    size_t lineStart = text_.rfind('\n', pos == 0 ? 0 : pos - 1);
    lineStart = (lineStart == std::string_view::npos || pos == 0) ? 0 : lineStart + 1;
    if (!spans_.empty() && lineStart <= spans_.back().begin) return;  // same line: one span
    if (!spans_.empty()) spans_.back().end = lineStart;
    spans_.push_back(DocumentSpan{lineStart, text_.size(), mark.line});
  }

  std::vector<DocumentSpan> spans() const { return spans_; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchorSizes_.find(anchor);
    add(mark, it == anchorSizes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    checkTag(mark, tag);
    checkValue(mark, value);
    leaf(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YAML::anchor_t anchor;
    size_t nodes;  // expanded, the collection itself included
  };

  void checkTag(const YAML::Mark& mark, const std::string& tag) {
    // "?": untagged plain; "!": untagged quoted; !!str: the one tag an operator may need (to
    // keep "yes" or 0755 a string). Every other tag would be silently dropped by the loader.
    if (tag.empty() || tag == "?" || tag == "!" || tag == "tag:yaml.org,2002:str") return;
    std::string shown = tag.rfind("tag:yaml.org,2002:", 0) == 0 ? "!!" + tag.substr(18) : tag;
    throw Refusal{mark, "YAML tag " + shown +
                            " is not accepted: hxctl reads plain YAML (only !!str is allowed)"};
  }

  void checkValue(const YAML::Mark& mark, const std::string& value) {
    for (size_t i = 0; i < value.size();) {
      Decoded d = decodeUtf8(value, i);
      if (d.length == 0)
        throw Refusal{mark, "the value is not valid UTF-8 once its escapes are resolved"};
      if (!valueCharAllowed(d.cp))
        throw Refusal{mark, "the value holds control character " + codePoint(d.cp) +
                                "; only tabs and line breaks are allowed in values"};
      i += d.length;
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchorSizes_[anchor] = 1;
    add(mark, 1);
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    checkTag(mark, tag);
    if (static_cast<int>(stack_.size()) >= SpecLimits::kMaxDepth)
      throw Refusal{mark, "nesting deeper than " + std::to_string(SpecLimits::kMaxDepth) +
                              " levels: no spec needs this"};
    add(mark, 1);
    stack_.push_back(Frame{anchor, 1});
  }

  void close() {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor != YAML::NullAnchor) anchorSizes_[f.anchor] = f.nodes;
  }

  // Counts `n` nodes into every open collection and the file's total.
  void add(const YAML::Mark& mark, size_t n) {
    total_ += n;
    documentNodes_ += n;
    if (total_ > maxNodes_)
      throw Refusal{mark, "more than " + std::to_string(maxNodes_) +
                              " YAML nodes in the file (aliases counted expanded): above the "
                              "limit --max-spec-bytes sets (one node per 4 bytes)"};
    if (documentNodes_ > SpecLimits::kMaxNodesPerDocument)
      throw Refusal{mark, "more than " + std::to_string(SpecLimits::kMaxNodesPerDocument) +
                              " YAML nodes in one document (aliases counted expanded): no "
                              "resource needs this many"};
    for (auto& f : stack_) f.nodes += n;
  }

  std::string_view text_;
  size_t maxNodes_;
  size_t total_ = 0;
  size_t documentNodes_ = 0;
  size_t documents_ = 0;
  std::vector<DocumentSpan> spans_;
  int lastDocumentStart_ = -1;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, size_t> anchorSizes_;
};

}  // namespace

std::string formatByteSize(size_t bytes) {
  auto exact = [&](size_t unit, const char* name) {
    return bytes % unit == 0 ? std::to_string(bytes / unit) + " " + name : std::string();
  };
  if (bytes >= (size_t{1} << 20)) {
    if (auto s = exact(size_t{1} << 20, "MiB"); !s.empty()) return s;
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << static_cast<double>(bytes) / (1 << 20) << " MiB";
    return out.str();
  }
  if (bytes >= 1024)
    if (auto s = exact(1024, "KiB"); !s.empty()) return s;
  return std::to_string(bytes) + " bytes";
}

std::string fileTooLargeMessage(size_t bytes, size_t limit) {
  return "the file is " + formatByteSize(bytes) + ", above the limit of " + formatByteSize(limit) +
         " for one spec file (--max-spec-bytes); split it, or raise the limit";
}

ScreenedText screenSpecText(std::string_view text, std::string_view file,
                            const SpecLimits& limits) {
  ScreenedText out;
  auto refuse = [&](SourceLoc loc, std::string message) {
    out.refusal = Diagnostic{std::move(loc), "", std::move(message)};
    return out;
  };
  if (text.size() > limits.maxFileBytes)
    return refuse(SourceLoc{std::string(file), 0, 0},
                  fileTooLargeMessage(text.size(), limits.maxFileBytes));
  if (auto bad = firstBadCharacter(text))
    return refuse(locate(text, bad->first, file), bad->second);
  std::istringstream in{std::string(text)};
  EventScreen screen(text, limits.maxNodes());
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(screen)) {
    }
  } catch (const Refusal& r) {
    return refuse(SourceLoc{std::string(file), r.mark.line + 1, r.mark.column + 1}, r.message);
  } catch (const YAML::Exception& e) {
    SourceLoc loc{std::string(file), e.mark.line + 1, e.mark.column + 1};
    if (e.mark.line < 0) loc = SourceLoc{std::string(file), 0, 0};
    return refuse(loc, "YAML syntax error: " + e.msg);
  }
  out.documents = screen.spans();
  return out;
}

}  // namespace hx
