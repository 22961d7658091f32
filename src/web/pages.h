// The web view's pages, rendered from one Snapshot: plain HTML (tables, headings, labels) that
// reads without JavaScript; the script only swaps <main> when the daemon's state changes.
#pragma once

#include <optional>
#include <string>

#include "src/web/snapshot.h"

namespace hx::web {

std::string estatePage(const Snapshot& s);
std::string backlogPage(const Snapshot& s);
// nullopt: no such task in the specs.
std::optional<std::string> taskPage(const Snapshot& s, const std::string& id);
std::string runsPage(const Snapshot& s);
// A page saying what went wrong (the store unreadable, an unknown path).
std::string messagePage(const std::string& title, const std::string& message);

}  // namespace hx::web
