// HTML text as the web view writes it: every value from specs, servers or the store goes through
// escape(), so a model named "<script>" is shown as those characters and never run.
#pragma once

#include <string>
#include <string_view>

namespace hx::web {

// & < > " ' as character references; bytes that are not UTF-8 become U+FFFD, so a host's
// malformed answer cannot end an attribute or a tag early.
std::string escape(std::string_view text);

// A page being written: raw() for the page's own markup, text() for every value.
class Html {
 public:
  Html& raw(std::string_view markup) {
    out_ += markup;
    return *this;
  }
  Html& text(std::string_view value) {
    out_ += escape(value);
    return *this;
  }
  // <tag class="cls">escaped text</tag>
  Html& element(std::string_view tag, std::string_view value, std::string_view cls = "");
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// A path segment or query value as a URL part (RFC 3986 unreserved bytes kept).
std::string urlPart(std::string_view text);

}  // namespace hx::web
