// What Qdrant checks in a collection's configuration before it acts, and how it fills what was
// left out. Two stages, as in Qdrant's actix extractors (src/actix/mod.rs):
//   1. serde: a field of the wrong JSON type (a string for a number, a negative number for an
//      unsigned one, an unknown enum variant) is 400 "Format error in JSON body: ...";
//   2. validator: a value out of its range is 422 "Validation error in JSON body: [path: value
//      V invalid, must be N or larger; ...]", every violation listed (common/validation.rs).
// Both run before the handler, so before any existence check: a PUT of an existing collection
// with `ef_construct: 0` is 422, not 409. `null` is serde's None: the field is absent.
// The field tables are the OpenAPI document's (tests/conformance/qdrant/openapi.json,
// components.schemas.{CreateCollection, UpdateCollection, HnswConfigDiff, WalConfigDiff,
// OptimizersConfigDiff, SparseVectorParams, SparseIndexParams, StrictModeConfig,
// CollectionParamsDiff}); their minimum/maximum come from the same #[validate(range)]
// attributes the validator runs. Real Qdrant appends serde's " at line L column C"; hx-sim does
// not track positions and names the field instead.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hxsim {

using Json = nlohmann::json;

struct ApiError {
  int status = 400;
  std::string message;
};

std::optional<ApiError> checkCreateCollection(const Json& body);
std::optional<ApiError> checkUpdateCollection(const Json& body);
// PUT /collections/{c}/index: field_name, and field_schema as a type name or PayloadSchemaParams
// (lib/segment/src/data_types/index.rs: integer indexes need `lookup` or `range`).
std::optional<ApiError> checkCreateIndex(const Json& body);
// The query parameters every route shares (src/actix/api: WaitTimeout, UpdateParams):
// `timeout` an integer of at least 1, `wait` true or false. serde_urlencoded's errors are 400
// "Query deserialize error: ...", the validator's 422 "... in query parameters".
std::optional<ApiError> checkQueryParams(const std::multimap<std::string, std::string>& params);

// Qdrant's defaults for a section left out or given as null (config/config.yaml, storage.*).
Json defaultHnsw();
Json defaultOptimizers();
Json defaultWal();

// A *Diff applied to a current value: fields given and not null replace, the rest stay.
Json applyDiff(Json current, const Json& diff);
// Collection metadata's merge (test_collection_metadata.py): keys given replace, a null value
// deletes the key.
Json mergeMetadata(Json current, const Json& patch);
// `value` without its null members, recursively: what serde keeps of an object of Options.
Json withoutNulls(const Json& value);

}  // namespace hxsim
