// Pure translation between a Collection spec (camelCase, hxctl's shape) and Qdrant's JSON
// (snake_case). Unit-tested on plain values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reconciler/resource.h"

namespace hx::qdrant {

// The body of PUT /collections/{name} for a Collection's comparable spec fields.
Json createBody(const Json& spec);
// The body of PATCH /collections/{name} carrying only the groups whose paths changed.
// `changedPaths` are the planner's field paths ("hnsw.m", "vectors.text.onDisk", "quantization").
Json patchBody(const Json& spec, const std::vector<std::string>& changedPaths);
// A collection as observed (GET /collections/{name} result plus its aliases) in spec shape.
Result<Json> observedFields(const Json& info, const std::vector<std::string>& aliases,
                            const std::string& server);
// The dense-vector config for PUT /collections/{c}/vectors/{v}.
Json denseVector(const Json& vectorSpec);
// A sparse vector's SparseVectorParams (create, PUT .../vectors/{v}, and PATCH's sparse_vectors).
Json sparseVector(const Json& sparseSpec);

std::string toSnake(const std::string& camel);
std::string toCamel(const std::string& snake);

}  // namespace hx::qdrant
