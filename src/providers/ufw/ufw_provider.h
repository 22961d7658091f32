// UFW on one host, through the command prefix its spec gives (`[ufw]`, `[ssh, admin@h, sudo,
// ufw]`, `[ip, netns, exec, NAME, ufw]`). The words before the last reach the host; the last is
// ufw. Observation reads ufw's files once per run through the same reach (no ufw call); every
// change is one ufw call, all of a host's calls serialised, each read back and verified.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/provider.h"
#include "src/platform/command_runner.h"
#include "src/providers/ufw/ufw_snapshot.h"

namespace hx {

class UfwHost {
 public:
  UfwHost(std::string host, std::vector<std::string> exec, CommandRunner& runner)
      : host_(std::move(host)), exec_(std::move(exec)), runner_(runner) {}

  Result<UfwSnapshot> snapshot();  // cached until the next change
  Status applyRule(const PlanAction& action);
  Status applyState(const PlanAction& action);
  const std::string& host() const { return host_; }
  // The ufw command line a rule action runs, for plans ("ufw insert 1 allow in ...").
  // The ufw calls that take the firewall's state from `seen` to `want` (Firewall fields).
  static std::vector<std::vector<std::string>> stateCommands(const Json& want, const Json& seen);
  // `v4Count` and `total`: the tuples in user.rules and in both files, as ufw numbers them.
  static std::vector<std::vector<std::string>> ruleCommands(const PlanAction& action, int v4Count,
                                                            int total);

 private:
  Result<UfwSnapshot> readLocked();
  Status ufw(const std::vector<std::string>& args);
  Status verify(const std::string& key, bool present);

  std::string host_;
  std::vector<std::string> exec_;
  CommandRunner& runner_;
  std::mutex mu_;
  std::optional<UfwSnapshot> cached_;
};

class UfwRuleProvider : public Provider {
 public:
  explicit UfwRuleProvider(UfwHost& host) : host_(host) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override { return host_.applyRule(action); }

 private:
  UfwHost& host_;
};

class UfwStateProvider : public Provider {
 public:
  explicit UfwStateProvider(UfwHost& host) : host_(host) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override { return host_.applyState(action); }

 private:
  UfwHost& host_;
};

}  // namespace hx
