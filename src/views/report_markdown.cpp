// The report document as CommonMark, laid out as the operators' own document is: "**Label:**
// value" lines ended by hard breaks (a backslash, where theirs has two trailing spaces), "---"
// before the major sections, tasks as a bold title and a list of labelled fields. Every text passes
// through inlineText(), so nothing an estate's server answered can become HTML, a heading or a
// control sequence in the Markdown.
#include <sstream>

#include "src/views/report_blocks.h"

namespace hx {

namespace {

// Control characters become spaces; a '<' that could open an HTML tag is escaped (outside code
// spans), so "<100ms" stays as written and "<script>" is text.
std::string inlineText(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool code = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
      continue;
    }
    if (c == '`') code = !code;
    if (!code && c == '<' && i + 1 < s.size() &&
        (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/' || s[i + 1] == '!' ||
         s[i + 1] == '?'))
      out += '\\';
    out += static_cast<char>(c);
  }
  return out;
}

std::string cellText(const std::string& s) {
  std::string out;
  for (char c : inlineText(s)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out.empty() ? "-" : out;
}

std::string str(const Json& j) { return j.is_string() ? j.get<std::string>() : ""; }

void renderFields(std::ostream& out, const Json& fields) {
  for (size_t i = 0; i < fields.size(); ++i)
    out << "**" << inlineText(str(fields[i]["label"])) << ":** "
        << inlineText(str(fields[i]["value"])) << (i + 1 < fields.size() ? "\\\n" : "\n");
}

void renderList(std::ostream& out, const Json& items, bool ordered, const std::string& indent) {
  int n = 0;
  for (const auto& item : items) {
    const std::string marker = ordered ? std::to_string(++n) + ". " : "- ";
    const std::string text = item.is_string() ? item.get<std::string>() : str(item["text"]);
    out << indent << marker << inlineText(text) << "\n";
    if (item.is_object() && item.contains("items"))
      renderList(out, item["items"], false, indent + std::string(marker.size(), ' '));
  }
}

void renderTable(std::ostream& out, const Json& table) {
  out << "|";
  for (const auto& c : table["columns"]) out << " " << cellText(str(c)) << " |";
  out << "\n|";
  for (size_t i = 0; i < table["columns"].size(); ++i) out << "---|";
  out << "\n";
  for (const auto& row : table["rows"]) {
    out << "|";
    for (const auto& c : row) out << " " << cellText(str(c)) << " |";
    out << "\n";
  }
}

void renderTask(std::ostream& out, const Json& t) {
  out << "**" << inlineText(str(t["id"]) + " - " + str(t["title"])) << "**"
      << (t.value("optional", false) ? " (optional)" : "") << "\n";
  for (const auto& f : t["fields"]) {
    out << "- **" << inlineText(str(f["label"])) << ":**";
    if (f.contains("items")) {
      out << "\n";
      renderList(out, f["items"], false, "  ");
    } else {
      out << " " << inlineText(str(f["value"])) << "\n";
    }
  }
}

void renderBlock(std::ostream& out, const Json& b) {
  if (b.contains("paragraph"))
    out << inlineText(str(b["paragraph"])) << "\n";
  else if (b.contains("fields"))
    renderFields(out, b["fields"]);
  else if (b.contains("list"))
    renderList(out, b["list"], b.value("ordered", false), "");
  else if (b.contains("table"))
    renderTable(out, b["table"]);
  else if (b.contains("task"))
    renderTask(out, b["task"]);
}

void renderSection(std::ostream& out, const Json& s) {
  if (s.value("rule", false)) out << "\n---\n";
  if (!str(s["heading"]).empty())
    out << "\n"
        << std::string(static_cast<size_t>(s.value("level", 2)), '#') << " "
        << inlineText(str(s["heading"])) << "\n";
  for (const auto& b : s["blocks"]) {
    out << "\n";
    renderBlock(out, b);
  }
  for (const auto& sub : s["sections"]) renderSection(out, sub);
}

}  // namespace

std::string renderReportMarkdown(const Json& document) {
  std::ostringstream out;
  out << "# " << inlineText(str(document["title"])) << "\n\n";
  renderFields(out, document["header"]);
  for (const auto& s : document["sections"]) renderSection(out, s);
  return out.str();
}

}  // namespace hx
