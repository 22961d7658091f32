// Converts an exception from SQLiteCpp into a Status. Only state/ sees SQL errors.
#pragma once

#include <exception>
#include <string>

#include "reconciler/status.h"

namespace hx {

inline Status storeError(const std::exception& e) {
  std::string what = e.what();
  bool busy = what.find("locked") != std::string::npos || what.find("busy") != std::string::npos;
  return Status::error(busy ? ErrorKind::kTransient : ErrorKind::kInternal, "state store: " + what);
}

}  // namespace hx
