#include "src/cli/table.h"

#include <algorithm>

#include "reconciler/calendar.h"

namespace hx {

size_t displayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

namespace {

// The first `width` characters of `text`, the last of them "…" when it was longer.
std::string shortened(const std::string& text, size_t width) {
  if (displayWidth(text) <= width) return text;
  if (width == 0) return "";
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    if (n + 1 == width) break;
    out += text.substr(i, len);
    i += len;
    ++n;
  }
  return out + "…";
}

}  // namespace

Table::Table(std::vector<std::string> headers, std::vector<bool> flexible, std::string indent)
    : headers_(std::move(headers)), flexible_(std::move(flexible)), indent_(std::move(indent)) {
  flexible_.resize(headers_.size(), false);
}

void Table::add(std::vector<TableCell> row) {
  row.resize(headers_.size());
  rows_.push_back(std::move(row));
  notes_.emplace_back();
}

void Table::note(TableCell line) {
  if (!notes_.empty()) notes_.back().push_back(std::move(line));
}

void Table::render(std::ostream& out, size_t width, const Style& style) const {
  const size_t n = headers_.size();
  std::vector<size_t> widths(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = displayWidth(headers_[c]);
    for (const auto& r : rows_) widths[c] = std::max(widths[c], displayWidth(r[c].text));
  }
  std::vector<bool> shown(n, true);
  auto total = [&] {
    size_t sum = displayWidth(indent_), cols = 0;
    for (size_t c = 0; c < n; ++c)
      if (shown[c]) {
        sum += widths[c];
        ++cols;
      }
    return sum + (cols > 0 ? 2 * (cols - 1) : 0);
  };
  // Take the excess from the flexible columns, widest first, none below 16 characters.
  auto shrink = [&] {
    while (total() > width) {
      size_t widest = n;
      for (size_t c = 0; c < n; ++c)
        if (shown[c] && flexible_[c] && widths[c] > 16 &&
            (widest == n || widths[c] > widths[widest]))
          widest = c;
      if (widest == n) return;
      --widths[widest];
    }
  };
  if (width > 0) {
    shrink();
    for (size_t c : dropOrder_) {
      if (total() <= width) break;
      if (c < n) shown[c] = false;
      shrink();
    }
  }
  auto line = [&](const std::vector<TableCell>& cells) {
    out << indent_;
    size_t lastShown = 0;
    for (size_t c = 0; c < n; ++c)
      if (shown[c]) lastShown = c;
    for (size_t c = 0; c < n; ++c) {
      if (!shown[c]) continue;
      const std::string text = width > 0 ? shortened(cells[c].text, widths[c]) : cells[c].text;
      out << (cells[c].color ? style.paint(text, cells[c].color) : text);
      if (c != lastShown) out << std::string(widths[c] - displayWidth(text) + 2, ' ');
    }
    out << "\n";
  };
  std::vector<TableCell> header;
  for (const auto& h : headers_) header.push_back({h, nullptr});
  line(header);
  const std::string pad = indent_ + "    ";
  for (size_t r = 0; r < rows_.size(); ++r) {
    line(rows_[r]);
    for (const auto& n : notes_[r]) {
      const size_t room = width > displayWidth(pad) ? width - displayWidth(pad) : 0;
      const std::string shown = width > 0 ? shortened(n.text, room) : n.text;
      out << pad << (n.color ? style.paint(shown, n.color) : shown) << "\n";
    }
  }
}

std::string ago(int64_t at, int64_t now) {
  if (at <= 0) return "-";
  if (now <= at) return "just now";
  return humanSpan(now - at) + " ago";
}

}  // namespace hx
