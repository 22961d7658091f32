// The tests' PostgreSQL (tests/ha/postgres.sh, started by the ctest fixture `postgres` into
// HX_PG_DIR): a fresh database per test, reached over the server's Unix socket.
#pragma once

#include <libpq-fe.h>

#include <stdexcept>
#include <string>

namespace hx::test {

inline std::string postgresUrl(const std::string& database) {
  return "postgresql://hxctl@/" + database + "?host=" + std::string(HX_PG_DIR);
}

// Drops and creates `name` (letters, digits and _ kept; the rest become _); its URL.
inline std::string freshPostgresDatabase(const std::string& name) {
  std::string db = "t_";
  for (char c : name) db += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  PGconn* conn = PQconnectdb(postgresUrl("postgres").c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("the tests' PostgreSQL is not running (ctest fixture postgres): " +
                             why);
  }
  for (const std::string& sql :
       {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db}) {
    PGresult* r = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) {
      PQfinish(conn);
      throw std::runtime_error(sql + ": " + why);
    }
  }
  PQfinish(conn);
  return postgresUrl(db);
}

}  // namespace hx::test
