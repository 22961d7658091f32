// A criterion as a sentence, for people reading `hxctl status TASK` (JSON keeps the spec).
#pragma once

#include <string>

#include "reconciler/resource.h"

namespace hx {

// {collectionReady: {collection: docs}} -> "collection docs exists, is green and matches its
// spec". A criterion without a sentence of its own is shown as "KIND: field=value, ...".
std::string criterionSentence(const Json& criterion);

}  // namespace hx
