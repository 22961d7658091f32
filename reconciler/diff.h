// Field-level comparison of desired spec fields against an observed object.
#pragma once

#include <vector>

#include "reconciler/plan.h"

namespace hx {

// Leaf changes from observed to desired. Fields the spec leaves unset are "don't care" and never
// reported; lists compare as unordered sets (aliases, payload indexes).
std::vector<FieldChange> diffFields(const Json& desired, const Json& observed,
                                    const std::string& kind);

}  // namespace hx
