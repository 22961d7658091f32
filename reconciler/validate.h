// Checks that need the whole set of resources: unique names, references that resolve to a
// resource of the right kind and shape, embedding widths, dependency cycles.
#pragma once

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"

namespace hx {

Diagnostics validateDesiredState(const DesiredState& desired);

}  // namespace hx
