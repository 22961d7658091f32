// Forward migrations of the store's schema, applied in order inside one transaction each.
// Never edit a released step: add a new one.
#pragma once

#include <vector>

namespace hx {

struct Migration {
  int version;
  const char* sql;
};

const std::vector<Migration>& migrations();

}  // namespace hx
