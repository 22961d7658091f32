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

// A check that could not run: "not checked", and why (a secret missing, its objects
// unobservable). Neither proof nor failure (CriterionResult::unknown).
inline CriterionResult cannotRun(const std::string& kind, const std::string& subject,
                                 std::string threshold, std::string why) {
  CriterionResult r =
      result(kind, subject, false, "not checked", std::move(threshold), std::move(why));
  r.unknown = true;
  return r;
}

}  // namespace hx::check_detail
