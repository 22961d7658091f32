// Tables for the terminal: columns as wide as their widest cell, and, on a terminal narrower than
// the table, the flexible columns (titles, reasons) shortened with "…" so each row keeps to one
// line (none below 16 characters; then the columns given to dropFirst are left out). Piped (width
// 0), nothing is cut: a script gets every character.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "src/cli/render.h"

namespace hx {

struct TableCell {
  std::string text;
  const char* color = nullptr;  // an ANSI code for Style::paint, or none
};

class Table {
 public:
  // `flexible`: one per column; those may be shortened to fit a terminal.
  Table(std::vector<std::string> headers, std::vector<bool> flexible, std::string indent = "");
  void add(std::vector<TableCell> row);
  // Columns that may be left out, first to last, when shortening alone cannot fit the terminal
  // (as kubectl shows fewer columns than -o wide); piped output keeps them all.
  void dropFirst(std::vector<size_t> columns) { dropOrder_ = std::move(columns); }
  // A line under the last row (evidence, what is missing), indented, cut to the width too.
  void note(TableCell line);
  // `width`: the terminal's columns, or 0 when the output is not a terminal.
  void render(std::ostream& out, size_t width, const Style& style) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> flexible_;
  std::string indent_;
  std::vector<std::vector<TableCell>> rows_;
  std::vector<std::vector<TableCell>> notes_;  // per row
  std::vector<size_t> dropOrder_;
};

// Characters as a terminal shows them (UTF-8 code points, not bytes).
size_t displayWidth(const std::string& text);

// "5 min ago", "3 h ago", "2 d ago"; "-" for 0 (never). JSON keeps ISO 8601.
std::string ago(int64_t at, int64_t now);

}  // namespace hx
