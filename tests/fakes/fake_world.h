// A small world of hosts and objects that answers as providers do and records every call.
// Applying a change mutates the world, so plan -> apply -> plan yields an empty plan.
//
// With a file path, every operation loads and saves the world as JSON under an flock, so
// separate hxctl processes (tests/hxctl_fake_main.cpp) share it and tests can change it out of
// band. Without one, it lives in memory.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "reconciler/clock.h"
#include "reconciler/provider.h"
#include "reconciler/resource.h"

namespace hx::fake {

class FakeWorld : public ProviderSet, public HostProber {
 public:
  explicit FakeWorld(Clock& clock, std::string file = "");
  ~FakeWorld() override;

  // Knobs, all persisted with the world.
  void setHost(const std::string& name, HostStatus status);
  void putObject(const std::string& kind, const std::string& host, const std::string& key,
                 const Json& fields);
  void eraseObject(const std::string& kind, const std::string& host, const std::string& key);
  // The next `times` applies of `resource` ("Kind/name") fail with `kind` (-1: every time).
  void failApply(const std::string& resource, ErrorKind kind, int times = -1);
  // Observing `kind` on `host` fails.
  void failObserve(const std::string& kind, const std::string& host);
  // Sleep inside apply of `resource`, before or after the change takes effect.
  void delayApply(const std::string& resource, int64_t beforeMs, int64_t afterMs);

  std::vector<std::string> calls() const;  // "apply create Collection/x", "observe Model@h"
  void clearCalls();
  Json objects() const;
  const Json* object(const std::string& kind, const std::string& host,
                     const std::string& key) const;

  Provider* providerFor(const std::string& kind, const std::string& host) override;
  HostObservation probe(const Resource& host, const HostObservation& previous) override;

  // Used by the per-kind providers.
  Result<std::vector<ObservedObject>> observe(const std::string& kind, const std::string& host);
  Status apply(const PlanAction& action);

 private:
  template <typename F>
  auto withWorld(F&& f) const;  // load (file mode), run f(json&), save if changed

  Clock& clock_;
  std::string file_;
  mutable Json memory_;
  std::mutex providersMu_;  // providerFor runs on several observation threads
  std::map<std::string, std::unique_ptr<Provider>> providers_;
};

}  // namespace hx::fake
