// Converts an exception from SQLiteCpp into a Status, classified by SQLite's result code
// (sqlite3.h), never by the wording of its message. Only state/ sees SQL errors.
#pragma once

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <exception>
#include <string>

#include "reconciler/status.h"

namespace hx {

inline Status storeError(const std::exception& e, const std::string& context = "state store") {
  const auto* sql = dynamic_cast<const SQLite::Exception*>(&e);
  const int code = sql ? (sql->getErrorCode() & 0xff) : -1;
  const std::string what = e.what();
  auto error = [&](ErrorKind kind, const std::string& meaning) {
    return Status::error(kind, context + ": " + meaning + " (" + what + ")");
  };
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return error(ErrorKind::kTransient, "busy: another hxctl is writing it");
    case SQLITE_FULL:
      return error(ErrorKind::kUnavailable, "the disk is full");
    case SQLITE_READONLY:
      return error(ErrorKind::kTerminal,
                   "read-only (the file's permissions, or a read-only file system)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return error(ErrorKind::kTerminal, "the file is corrupt or not an hxctl store");
    case SQLITE_CANTOPEN:
      return error(ErrorKind::kUnavailable, "cannot open the file");
    case SQLITE_IOERR:
      return error(ErrorKind::kUnavailable, "an I/O error");
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return error(ErrorKind::kTerminal, "permission denied");
    case SQLITE_CONSTRAINT:
      return error(ErrorKind::kInternal, "a write was refused by the database");
    default:
      return Status::error(ErrorKind::kInternal, context + ": " + what);
  }
}

}  // namespace hx
