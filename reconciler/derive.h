// Resources hxctl derives from declared ones, after validation: a Host's spec.firewall becomes
// Firewall/<host> (the firewall's own state: enabled, default policies, logging). Pure.
#pragma once

#include "reconciler/resource.h"

namespace hx {

// Appends the derived resources and the ordering they imply: a host's firewall is switched on
// (or its defaults tightened) only after its rules are in, and rules with a position are
// inserted in ascending order so every `ufw insert N` lands where the spec says.
void deriveResources(DesiredState& desired);

}  // namespace hx
