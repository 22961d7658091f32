// The PostgreSQL driver of state/sql.h, on libpq: a store several daemons share (issue 21).
//
// The store's SQL is SQLite's dialect where the two differ only in words: `?` placeholders become
// $1..$n, the reserved `user` is quoted, and migrations' column types are translated (INTEGER ->
// BIGINT, INTEGER PRIMARY KEY -> an identity column, REAL -> DOUBLE PRECISION). A write
// transaction takes one advisory lock first, so writers are serialised as SQLite serialises them.
// A connection the server dropped (a restart) is re-established before the next statement.
#pragma once

#include <memory>
#include <string>

#include "state/sql.h"

namespace hx::sql {

// Whether `location` names a PostgreSQL store (postgres:// or postgresql://) rather than a file.
bool isPostgresUrl(const std::string& location);

// Connects to `url`. A password in the URL is refused (it would show in ps, in shell history and
// in every message naming the store): libpq takes it from PGPASSWORD or the PGPASSFILE /
// ~/.pgpass file. `readOnly`: the session refuses writes. Throws sql::Error.
std::unique_ptr<Connection> openPostgres(const std::string& url, bool readOnly);

// The URL as it may be shown: any password replaced by "***".
std::string redactedUrl(const std::string& url);

// The statement in PostgreSQL's words (exposed for its unit test).
std::string postgresStatement(const std::string& sql);
std::string postgresMigration(const std::string& script);

}  // namespace hx::sql
