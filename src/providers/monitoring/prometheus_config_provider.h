// A declared Prometheus's config file (Prometheus/<name>): the prometheus.yml hxctl renders from
// the estate's hosts (reconciler/scrape_config.h). Observed by reading and parsing the file,
// written atomically only when the rendering differs from what is there, then the reload command
// runs (Prometheus rereads its config on SIGHUP or POST /-/reload). Deleting it removes the file
// only when hxctl wrote it.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "reconciler/provider.h"
#include "src/platform/command_runner.h"

namespace hx {

class PrometheusConfigProvider : public Provider {
 public:
  explicit PrometheusConfigProvider(CommandRunner& commands) : commands_(commands) {}
  void configure(const DesiredState& desired);
  Result<std::vector<ObservedObject>> observe(const std::string& host) override;
  Status apply(const PlanAction& action) override;

 private:
  CommandRunner& commands_;
  std::mutex mu_;
  std::multimap<std::string, Json> configs_;  // host -> a Prometheus spec on it
};

}  // namespace hx
