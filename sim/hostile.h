// The hostile knob: a host that answers with what no well-behaved server sends, so that tests can
// prove hxctl reads every answer defensively (vLLM answers `content: null` for a reasoning model
// that ran out of tokens; Qdrant's fields differ by version). Most kinds transform the answer the
// personality really gave (every leaf null, every number a string, ...), so they reach every
// route with that route's own shape; the rest replace it (HTML with status 200, a truncated or
// 10 MB body, gzip nobody asked for, invalid UTF-8, 100 000 nested arrays).
#pragma once

#include <string>
#include <vector>

namespace hxsim {

// Every kind, in a fixed order.
const std::vector<std::string>& hostileKinds();
bool isHostileKind(const std::string& kind);

struct HostileAnswer {
  int status = 200;
  std::string contentType;
  std::string contentEncoding;  // "" or "gzip"
  std::string body;
};

// What `kind` makes of an answer with this status, content type and (decoded) body.
HostileAnswer hostileAnswer(const std::string& kind, int status, const std::string& contentType,
                            const std::string& body);

}  // namespace hxsim
