// Qdrant's authentication and JWT RBAC, as Qdrant's src/actix/auth.rs and src/common/auth describe
// them: who a credential is (api key, read-only key, or an HS256 JWT signed with the api key),
// and whether that grant may call a route (the ACTION_ACCESS matrix of Qdrant's own tests).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hxsim {

struct Grant {
  enum class Global { kNone, kRead, kManage };
  Global global = Global::kNone;
  std::map<std::string, std::string> collections;  // name -> r | rw | prw
};

// A refusal: the status and Qdrant's words (401 and JWT failures are text/plain; 403 for
// insufficient rights is a JSON envelope, which `json` says).
struct Refusal {
  int status = 401;
  std::string message;
  bool json = false;
};

// Looks up the `value_exists` claim: nothing when satisfied, else the refusal.
using ValueExists = std::function<std::optional<Refusal>(const nlohmann::json& claim)>;

// The grant of an HS256 JWT signed with `apiKey`, or why it is refused. `now` in unix seconds.
std::optional<Refusal> grantOfJwt(const std::string& token, const std::string& apiKey, long now,
                                  const ValueExists& valueExists, Grant* grant);

// Whether `grant` may call `method path`; the 403 (JSON envelope) when it may not.
std::optional<Refusal> checkRoute(const Grant& grant, const std::string& method,
                                  const std::string& path);

}  // namespace hxsim
