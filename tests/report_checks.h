// Checks of `hxctl report`'s document against the operators' own (tests/seed/backlog-2025-07-17.md,
// their document of July 17, 2025, copied as it is): every heading of theirs appears in the
// report, at its level and in their order; the Markdown renders as CommonMark (cmark-gfm, with
// GitHub's tables) into exactly the structure `-o json` describes; and every text of the JSON
// document is in the Markdown.
#pragma once

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "cli_harness.h"
#include "reconciler/resource.h"

namespace hx::test {

using Heading = std::pair<int, std::string>;  // level, text without its ** marks

inline std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

inline std::string withoutBold(std::string s) {
  for (size_t at; (at = s.find("**")) != std::string::npos;) s.erase(at, 2);
  return trimmed(s);
}

// The ATX headings of a Markdown text.
inline std::vector<Heading> markdownHeadings(const std::string& md) {
  std::vector<Heading> out;
  std::istringstream in(md);
  for (std::string line; std::getline(in, line);) {
    size_t level = 0;
    while (level < line.size() && line[level] == '#') ++level;
    if (level == 0 || level > 6 || level >= line.size() || line[level] != ' ') continue;
    out.push_back({static_cast<int>(level), withoutBold(line.substr(level + 1))});
  }
  return out;
}

inline std::vector<Heading> seedHeadings() {
  return markdownHeadings(slurp(std::string(HX_SOURCE_DIR) + "/tests/seed/backlog-2025-07-17.md"));
}

// The seed's headings the report lacks, or has out of their order. A "Status:" heading matches by
// its label and level: its words are derived from the estate ("Completed" once every sub-task is).
inline std::vector<std::string> seedHeadingsMissing(const std::string& reportMarkdown) {
  const std::vector<Heading> report = markdownHeadings(reportMarkdown);
  std::vector<std::string> missing;
  size_t at = 0;
  for (const auto& [level, text] : seedHeadings()) {
    const bool status = text.rfind("Status:", 0) == 0;
    size_t found = at;
    while (found < report.size() && !(report[found].first == level &&
                                      (report[found].second == text ||
                                       (status && report[found].second.rfind("Status:", 0) == 0))))
      ++found;
    if (found == report.size()) {
      missing.push_back(std::string(static_cast<size_t>(level), '#') + " " + text);
      continue;
    }
    at = found + 1;
  }
  return missing;
}

// Markdown -> HTML by cmark-gfm (CommonMark with GitHub's table extension).
inline std::string cmarkHtml(const std::string& md, const std::filesystem::path& dir) {
  const std::filesystem::path in = dir / "report.md", out = dir / "report.html";
  {
    std::ofstream f(in, std::ios::binary);
    f << md;
  }
  const std::string command =
      "cmark-gfm --validate-utf8 -e table '" + in.string() + "' > '" + out.string() + "'";
  if (std::system(command.c_str()) != 0) return "";
  return slurp(out);
}

// The headings of HTML, their inner markup stripped.
inline std::vector<Heading> htmlHeadings(const std::string& html) {
  std::vector<Heading> out;
  static const std::regex kHeading(R"(<h([1-6])>([\s\S]*?)</h\1>)"), kTag(R"(<[^>]*>)");
  for (std::sregex_iterator it(html.begin(), html.end(), kHeading), end; it != end; ++it) {
    std::string text = std::regex_replace((*it)[2].str(), kTag, "");
    for (auto [from, to] :
         {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}})
      for (size_t at; (at = text.find(from)) != std::string::npos;)
        text.replace(at, std::string(from).size(), to);
    out.push_back({std::stoi((*it)[1].str()), trimmed(text)});
  }
  return out;
}

// The JSON document's headings (title first) and every text it holds, in document order.
inline void jsonOutline(const Json& section, std::vector<Heading>& headings,
                        std::vector<std::string>& texts, int& tables) {
  if (section.value("heading", "") != "")
    headings.push_back({section.value("level", 0), withoutBold(section.value("heading", ""))});
  auto itemTexts = [&](const Json& items, auto& self) -> void {
    for (const auto& i : items) {
      if (i.is_string()) texts.push_back(i.get<std::string>());
      if (i.is_object()) {
        texts.push_back(i.value("text", ""));
        if (i.contains("items")) self(i["items"], self);
      }
    }
  };
  for (const auto& b : section.value("blocks", Json::array())) {
    if (b.contains("paragraph")) texts.push_back(b["paragraph"].get<std::string>());
    if (b.contains("fields"))
      for (const auto& f : b["fields"]) texts.push_back(f.value("value", ""));
    if (b.contains("list")) itemTexts(b["list"], itemTexts);
    if (b.contains("table")) {
      ++tables;
      for (const auto& row : b["table"]["rows"])
        for (const auto& c : row) texts.push_back(c.get<std::string>());
    }
    if (b.contains("task")) {
      texts.push_back(b["task"].value("title", ""));
      for (const auto& f : b["task"]["fields"]) {
        if (f.contains("value")) texts.push_back(f.value("value", ""));
        if (f.contains("items")) itemTexts(f["items"], itemTexts);
      }
    }
  }
  for (const auto& s : section.value("sections", Json::array()))
    jsonOutline(s, headings, texts, tables);
}

}  // namespace hx::test
