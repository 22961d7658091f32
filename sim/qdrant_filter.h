// Qdrant's point filter, as lib/segment/src/types.rs defines it and the REST API takes it:
// {must, should, min_should, must_not} of conditions, each a field condition ({key, match |
// range | values_count}), {is_empty: {key}}, {is_null: {key}}, {has_id: [...]}, {has_vector:
// name}, or a nested
// filter. Used by scroll, count, delete-by-filter, query and the `value_exists` JWT claim
// (rbac/jwt: the claim becomes a `must` of `match.value` conditions).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hxsim {

// Whether the point (its id, payload and vectors) satisfies `filter`. Malformed filters are
// refused before this is called (filterProblem). `vector` (the point's stored vectors: a plain
// array for the unnamed one, or a map by name) answers {has_vector: NAME}; without it no point
// has a vector.
bool matchesFilter(const nlohmann::json& filter, const nlohmann::json& id,
                   const nlohmann::json& payload, const nlohmann::json* vector = nullptr);

// What Qdrant would answer 400 for ("Format error in JSON body: ..."), or nullopt. Only the
// shapes hxctl and the tests send are checked deeply; the rest must at least be objects.
std::optional<std::string> filterProblem(const nlohmann::json& filter);

// Qdrant orders points by id: integer ids first, ascending, then UUIDs by their text.
bool pointIdLess(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace hxsim
