// ApiKeys delivered to Qdrant: a JWT per key (claims from its role, signed HS256 with the
// server's api key, revocable through one point of the server's `hxctl-tokens` collection that
// the token's `value_exists` claim names). Gateway entries are GatewayKeyFile's (gateway_provider).
// Secrets are read when needed and never kept, printed or stored.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "reconciler/provider.h"
#include "src/command_runner.h"
#include "src/qdrant_api.h"

namespace hx {

inline constexpr const char* kTokenCollection = "hxctl-tokens";

class KeyProvider : public Provider {
 public:
  struct Server {
    QdrantApi* api = nullptr;
    std::string signingKey;  // the server's api key; empty when it could not be read
    std::string problem;     // why this server cannot take tokens, if it cannot
  };
  explicit KeyProvider(CommandRunner& commands) : commands_(commands) {}
  void configure(const DesiredState& desired, std::map<std::string, Server> servers);
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  Result<std::vector<Json>> tokenPoints(const Server& server, const std::string& key);
  // Whether a key delivered only to the gateway has its entry in the gateway's key file;
  // `namesByFile` keeps each file's entry names for the rest of one observation.
  static bool deliveredToGateway(const std::string& name, const Json& spec,
                                 std::map<std::string, std::set<std::string>>& namesByFile);
  Status deliverToken(const std::string& name, const Json& spec, const std::string& secretDigest);
  Status revokeTokens(const std::string& server, const std::string& name, const std::string& keep,
                      const std::string& tokenFile);
  Status updateGatewayFile(const std::string& keyFile, const std::string& name, const Json* entry,
                           const std::string& secret);

  CommandRunner& commands_;
  std::mutex mu_;
  std::map<std::string, Json> keys_;  // declared ApiKeys' specs, by name
  std::map<std::string, Server> servers_;
};

}  // namespace hx
