// ApiKeys delivered to Qdrant: a JWT per key (claims from its role, signed HS256 with the
// server's api key, `subject` naming the key for Qdrant's audit log), revocable through one point
// of the server's `hxctl-tokens` collection that the token's `value_exists` claim names.
//
// Qdrant accepts a token while *any* point there carries its id, and anyone with manage rights
// can write points. So the store, not the collection, says which tokens hxctl issued
// (Store::liveTokens): revocation deletes every point carrying a revoked id, whatever its point
// id, and every point that is not a live token hxctl issued is removed. The collection holds
// nothing else (no key names, digests or paths): a global-read key learns only random ids.
// Gateway entries are GatewayKeyFile's (gateway_provider). Secrets are read when needed and never
// kept, printed or stored.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "reconciler/clock.h"
#include "reconciler/provider.h"
#include "src/platform/command_runner.h"
#include "src/providers/qdrant/qdrant_api.h"
#include "state/store.h"

namespace hx {

inline constexpr const char* kTokenCollection = "hxctl-tokens";

class KeyProvider : public Provider {
 public:
  struct Server {
    QdrantApi* api = nullptr;
    std::string signingKey;  // the server's api key; empty when it could not be read
    std::string problem;     // why this server cannot take tokens, if it cannot
  };
  KeyProvider(CommandRunner& commands, Clock& clock) : commands_(commands), clock_(clock) {}
  // The store that records issued tokens (opened on first use, its own connection).
  void useStore(const std::string& path, bool readOnly);
  void configure(const DesiredState& desired, std::map<std::string, Server> servers);
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  // What one server's token collection holds, against what hxctl issued for it.
  struct TokenView {
    bool jwtRbacOff = false;
    std::vector<IssuedToken> live;  // issued and not revoked, oldest first
    std::set<std::string> present;  // live token ids whose own point is there, as issued
    size_t strays = 0;              // points that are not a live token hxctl issued
  };
  Result<Store*> store();
  Result<TokenView> view(const std::string& host, const Server& server);
  Result<std::vector<Json>> allPoints(const Server& server);
  Result<bool> jwtRbacOff(const Server& server);
  Status ensureTokenCollection(const Server& server);
  // Whether a key delivered only to the gateway has its entry in the gateway's key file;
  // `namesByFile` keeps each file's entry names for the rest of one observation.
  static bool deliveredToGateway(const std::string& name, const Json& spec,
                                 std::map<std::string, std::set<std::string>>& namesByFile);
  Status deliverToken(const std::string& name, const Json& spec, const std::string& secretDigest);
  // Revokes the key's tokens but `keep`, on every server that has any: deletes each point that
  // carries a revoked id, then whatever else there is not a live token (on `sweepHost` too, the
  // server just delivered to); removes `tokenFile` if given.
  Status revokeKey(const std::string& name, const std::string& keep, const std::string& tokenFile,
                   const std::string& sweepHost = "");
  Status sweep(const std::string& host, const Server& server, const std::vector<std::string>& ids);

  CommandRunner& commands_;
  Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Json> keys_;  // declared ApiKeys' specs, by name
  std::map<std::string, Server> servers_;
  // What one run learnt of each server (reset by configure): whether it takes JWTs, and that
  // its token collection is in place, so a run with many keys asks once, not once per key.
  std::map<const QdrantApi*, bool> rbacOff_;
  std::set<const QdrantApi*> collectionReady_;
  std::string storePath_;
  bool storeReadOnly_ = false;
  std::unique_ptr<Store> store_;
};

}  // namespace hx
