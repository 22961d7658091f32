// The API gateway's key file on a host (GatewayKeyFile/<host>): one entry per ApiKey delivered
// there, a salted hash of each key and never the key. Written atomically (0600) only when its
// bytes change, then the reload command runs; unchanged keys keep their salt.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "reconciler/provider.h"
#include "src/platform/command_runner.h"

namespace hx {

class GatewayFileProvider : public Provider {
 public:
  explicit GatewayFileProvider(CommandRunner& commands) : commands_(commands) {}
  void configure(const DesiredState& desired);
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  CommandRunner& commands_;
  std::mutex mu_;
  std::map<std::string, Json> files_;  // host -> GatewayKeyFile spec
  std::map<std::string, Json> keys_;   // ApiKey name -> its secret reference and digest
};

}  // namespace hx
