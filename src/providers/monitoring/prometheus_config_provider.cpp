#include "src/providers/monitoring/prometheus_config_provider.h"

#include <unistd.h>

#include "reconciler/kinds.h"
#include "reconciler/scrape_config.h"
#include "src/platform/atomic_file.h"
#include "src/providers/rendered_file.h"

namespace hx {

namespace {

constexpr size_t kMaxConfigBytes = 4 << 20;  // a prometheus.yml is kilobytes; refuse a huge one
const char* kHeader = "# Written by hxctl for ";

}  // namespace

void PrometheusConfigProvider::configure(const DesiredState& desired) {
  std::lock_guard<std::mutex> lock(mu_);
  configs_.clear();
  for (const auto* p : desired.ofKind(kind::kPrometheus)) {
    Json spec = p->spec;
    spec["name"] = p->id.name;
    configs_.emplace(p->spec.value("host", ""), std::move(spec));
  }
}

Result<std::vector<ObservedObject>> PrometheusConfigProvider::observe(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ObservedObject> out;
  auto [from, to] = configs_.equal_range(host);
  for (auto it = from; it != to; ++it) {
    const std::string path = it->second.value("configFile", "");
    auto text = readFileIfExists(path);
    if (!text) return text.status();
    if (!text.value()) continue;
    if (text.value()->size() > kMaxConfigBytes)
      return Status::error(ErrorKind::kTerminal, path +
                                                     " is larger than 4 MiB; not a config "
                                                     "hxctl wrote");
    Json config;
    try {
      config = readYamlDocument(*text.value());
    } catch (const std::exception& e) {
      // An unreadable file is drift to overwrite, shown as such, not an error that stops the run.
      config = "(unreadable YAML: " + std::string(e.what()) + ")";
    }
    out.push_back(ObservedObject{
        kind::kPrometheus, host, path, {{"host", host}, {"configFile", path}, {"config", config}}});
  }
  return out;
}

Status PrometheusConfigProvider::apply(const PlanAction& a) {
  std::lock_guard<std::mutex> lock(mu_);
  if (a.type == ActionType::kDelete) {
    const std::string path = a.observed.value("configFile", "");
    auto text = readFileIfExists(path);
    if (!text) return text.status();
    if (!text.value()) return Status::ok();
    if (text.value()->rfind(kHeader, 0) != 0)
      return Status::error(ErrorKind::kTerminal,
                           path + " was not written by hxctl; left in place (remove it by hand)");
    if (::unlink(path.c_str()) != 0)
      return Status::error(ErrorKind::kTerminal, "removing " + path + " failed");
    return Status::ok();
  }
  const std::string path = a.desired.value("configFile", "");
  const std::string rendered =
      renderPrometheusYaml(a.id.str(), a.desired.value("config", Json::object()));
  auto text = readFileIfExists(path);
  if (!text) return text.status();
  return deliverRenderedFile(commands_, path, rendered, text.value(),
                             a.spec.value("reloadCommand", Json()), 0644);
}

}  // namespace hx
