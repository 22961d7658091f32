// Reading what a host sent. Any field of an answer may be missing, null, of another type or
// huge (vLLM's `content` is null for a reasoning model; Qdrant's fields differ
// by version). nlohmann's own accessors throw on a type mismatch and assert on a missing key of
// a const object, so host answers are read only through these functions: none of them throws,
// each says what it found instead when the field is not what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconciler/resource.h"
#include "reconciler/status.h"
#include "src/platform/http.h"

namespace hx::jread {

// `j[key]` when `j` is an object holding `key` (null included), else nullptr.
const Json* field(const Json& j, std::string_view key);
// `j[index]` when `j` is an array that long, else nullptr.
const Json* element(const Json& j, size_t index);

// The value when it has the wanted type; nullopt when missing, null or of another type.
std::optional<std::string> text(const Json& j, std::string_view key);
// Integers, and floats that hold a whole number (some servers write 768.0).
std::optional<int64_t> integer(const Json& j, std::string_view key);
std::optional<double> number(const Json& j, std::string_view key);
std::optional<bool> boolean(const Json& j, std::string_view key);

std::string textOr(const Json& j, std::string_view key, std::string fallback);
int64_t integerOr(const Json& j, std::string_view key, int64_t fallback);

// The array or object at `key`, or a shared empty one.
const Json& array(const Json& j, std::string_view key);
const Json& object(const Json& j, std::string_view key);

// What a value is, for error messages: "missing", "null", "a string", "an array of 3", ...
std::string describe(const Json* value);

// A name a server reported (a model, a collection): a non-empty string of at most `maxLength`
// bytes without control characters, else nullopt. Bounds what hxctl keys, prints and puts in URLs.
std::optional<std::string> name(const Json& j, std::string_view key, size_t maxLength);

// A numeric vector, or nullopt when `v` is not an array of numbers.
std::optional<std::vector<double>> numbers(const Json& v);

// The body of an answer as JSON, or a clear error that names `what` and says what came
// instead: not JSON (with its content type and the first bytes, printable only), truncated,
// empty. Never throws. A complete answer that cannot be read is kUnavailable, not retried at
// once: a proxy's HTML page or a server of another version answers the same way again (a cut
// connection is the transport's kTransient, and is retried).
Result<Json> parseBody(const std::string& what, const HttpResponse& response);

// The error a server put in its answer's body: Ollama's {"error": "..."}, the OpenAI shape
// {"error": {"message"}}, FastAPI's {"detail": "..."} (vLLM), Qdrant's {"status": {"error"}};
// else the body's first bytes, or "(empty body)".
std::string serverError(const std::string& body);

// The first `max` bytes of `body`, with anything unprintable replaced, for an error message.
std::string excerpt(std::string_view body, size_t max = 120);

}  // namespace hx::jread
