// What a spec file must pass before the YAML loader sees it: bounded size, valid UTF-8 without
// control characters, and a YAML event stream that ends, stays shallow, carries no foreign tags
// and does not expand (through aliases) beyond a node budget.
//
// Why a screen and not a child process with limits or another parser: Debian 12's yaml-cpp 0.7
// loops for ever, allocating, in YAML::LoadAll when a document starts with a token its node
// parser does not consume (a leading ",": upstream issue jbeder/yaml-cpp#1040, fixed by PR #1319
// in 2024, not in Debian 12). The loop is between documents, so yaml-cpp's own event parser shows
// it: each new document starts where the last one did. Replaying the events first costs about
// half of a load, no process and no second parser, and gives the operator file:line.
//
// The screen also finds where each document starts, so the loader builds one document's yaml-cpp
// nodes at a time (about 480 bytes per node, measured: a 3.3 MB file of 400 000 nodes took
// 193 MiB through YAML::LoadAll). The node budgets bound that, and what an alias "bomb" would
// expand to when the schema walks it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/diagnostic.h"

namespace hx {

struct SpecLimits {
  static constexpr size_t kDefaultMaxFileBytes = size_t{8} << 20;
  static constexpr int kMaxDepth = 64;  // specs nest about 6 deep
  // One resource is a few dozen nodes; a Host with a long rule list a few thousand.
  static constexpr size_t kMaxNodesPerDocument = 100000;

  size_t maxFileBytes = kDefaultMaxFileBytes;
  // Aliases counted expanded: one node per 4 bytes of the size limit, what the densest plain
  // YAML of that size holds ("a: 1" lines), so an alias cannot make a file bigger than it may be.
  size_t maxNodes() const { return maxFileBytes / 4; }
  // All files of one load together.
  size_t maxTotalBytes() const { return maxFileBytes * 4; }
};

// One YAML document of a file: text[begin, end), which starts at a line's start.
struct DocumentSpan {
  size_t begin = 0;
  size_t end = 0;
  int firstLine = 0;  // 0-based line of `begin` in the file
};

struct ScreenedText {
  std::optional<Diagnostic> refusal;  // the first reason the text must not be loaded
  std::vector<DocumentSpan> documents;
};

ScreenedText screenSpecText(std::string_view text, std::string_view file, const SpecLimits& limits);

// "8 MiB", "512 KiB", "300 bytes": sizes in errors, as an operator reads them.
std::string formatByteSize(size_t bytes);

// The one wording of "this spec file is too large", for the screen and for a source that refuses
// to read such a file at all.
std::string fileTooLargeMessage(size_t bytes, size_t limit);

}  // namespace hx
