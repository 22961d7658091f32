// Where a managed resource's object lives and what identifies it there. The same functions are
// used by the planner (desired side) and by providers (observed side), so both agree.
#pragma once

#include <string>

#include "reconciler/resource.h"

namespace hx {

// The host the object lives on ("" for host-less kinds such as ApiKey).
std::string objectHost(const Resource& r);
// The object's identity on its host.
std::string objectKey(const Resource& r);
// The spec fields compared with the observed object (spec minus spec-only fields).
Json comparableFields(const Resource& r);

// Ollama's canonical form: "Mixtral" -> "mixtral:latest", "library/mixtral:8x7b" ->
// "mixtral:8x7b", "registry.ollama.ai/library/x" -> "x:latest"; other namespaces are kept.
std::string normalizeModelName(std::string name);
// "allow in tcp from 192.168.10.0/24 to any port 6333", defaults filled in.
std::string firewallRuleKey(const Json& spec);

}  // namespace hx
