// The one way a check builds its result, shared by the files that hold checks.
#pragma once

#include <string>

#include "reconciler/task_status.h"

namespace hx::check_detail {

inline CriterionResult result(const std::string& kind, const std::string& subject, bool pass,
                              std::string value, std::string threshold, std::string detail) {
  return CriterionResult{
      kind, subject, pass, std::move(value), std::move(threshold), std::move(detail), 0};
}

}  // namespace hx::check_detail
