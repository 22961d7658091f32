// The SQLite driver of state/sql.h, on SQLiteCpp: the embedded store, one file, WAL mode.
#pragma once

#include <memory>
#include <string>

#include "state/sql.h"

namespace hx::sql {

enum class SqliteMode { kReadWrite, kReadOnly, kMemory };

// Opens (kReadWrite: creating) the file at `path`; kMemory ignores it. Throws sql::Error.
std::unique_ptr<Connection> openSqlite(const std::string& path, SqliteMode mode);
// How an SQLite result code (extended or primary) is classified.
Fault sqliteFault(int code);
// An in-memory copy of an SQLite connection's database (read an older schema without touching
// the file).
std::unique_ptr<Connection> sqliteMemoryCopy(Connection& from);

}  // namespace hx::sql
