// Checks that need the whole set of resources: unique names, references that resolve to a
// resource of the right kind and shape, embedding widths, dependency cycles.
#pragma once

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"

namespace hx {

Diagnostics validateDesiredState(const DesiredState& desired);

// What is valid but likely not what the operator means, located like errors: a Role scoped to
// a collection that has aliases (Qdrant checks the name in the request path before it resolves
// an alias, so the role's tokens get 403 through the alias).
Diagnostics specWarnings(const DesiredState& desired);

}  // namespace hx
