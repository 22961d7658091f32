// Forward migrations of the store's schema, applied in order inside one transaction each.
// Never edit a released step: add a new one.
#pragma once

#include <vector>

namespace hx {

// `sql` is SQLite's; the PostgreSQL driver translates its column types. `postgres`, when set, is
// the step in PostgreSQL's words instead (for what has no translation, such as SQLite's rowid).
struct Migration {
  int version;
  const char* sql;
  const char* postgres = nullptr;
};

const std::vector<Migration>& migrations();

}  // namespace hx
