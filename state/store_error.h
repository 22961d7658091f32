// Converts a database error into a Status, classified by the fault its driver read from the
// engine's own codes (state/sql.h), never by the wording of its message. Only state/ sees SQL
// errors.
#pragma once

#include <exception>
#include <string>

#include "reconciler/status.h"
#include "state/sql.h"

namespace hx {

inline Status storeError(const std::exception& e, const std::string& context = "state store") {
  const auto* sqlError = dynamic_cast<const sql::Error*>(&e);
  const std::string what = e.what();
  auto error = [&](ErrorKind kind, const std::string& meaning) {
    return Status::error(kind, context + ": " + meaning + " (" + what + ")");
  };
  switch (sqlError ? sqlError->fault() : sql::Fault::kOther) {
    case sql::Fault::kBusy:
      return error(ErrorKind::kTransient, "busy: another hxctl is writing it");
    case sql::Fault::kFull:
      return error(ErrorKind::kUnavailable, "the disk is full");
    case sql::Fault::kReadOnly:
      return error(ErrorKind::kTerminal,
                   "read-only (the file's permissions, or a read-only file system)");
    case sql::Fault::kCorrupt:
      return error(ErrorKind::kTerminal, "the file is corrupt or not an hxctl store");
    case sql::Fault::kCantOpen:
      return error(ErrorKind::kUnavailable, "cannot open the file");
    case sql::Fault::kIo:
      return error(ErrorKind::kUnavailable, "an I/O error");
    case sql::Fault::kPermission:
      return error(ErrorKind::kTerminal, "permission denied");
    case sql::Fault::kConstraint:
      return error(ErrorKind::kInternal, "a write was refused by the database");
    case sql::Fault::kStaleTerm:
      return error(ErrorKind::kConflict, "another daemon leads now; this one's term is over");
    case sql::Fault::kOther:
      break;
  }
  return Status::error(ErrorKind::kInternal, context + ": " + what);
}

// Runs one store operation, turning whatever the database throws into its Status (storeError):
// every Store method's body is `return guarded([&]() -> Result<T> { ... });`, so the error line
// exists once. `Body` returns a Status or a Result<T>.
template <typename Body>
auto guarded(Body&& body, const std::string& context = "state store") -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return storeError(e, context);
  }
}

}  // namespace hx
