// validate, history, force-unlock, and the state path.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "reconciler/json_schema.h"
#include "reconciler/kinds.h"
#include "reconciler/loader.h"
#include "reconciler/scrape_config.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/platform/fs_spec_source.h"
#include "src/run/process_info.h"

namespace hx {

Style detectStyle(bool isTty, bool noColorFlag) {
  const char* noColor = std::getenv("NO_COLOR");
  Style s;
  s.color = isTty && !noColorFlag && !(noColor && *noColor);
  return s;
}

std::string defaultStatePath() {
  if (const char* p = std::getenv("HXCTL_STATE"); p && *p) return p;
  if (const char* p = std::getenv("STATE_DIRECTORY"); p && *p) return std::string(p) + "/state.db";
  // root is the daemon's user (systemd/hxctl.service: StateDirectory=hxctl), so `sudo hxctl
  // status` reads the daemon's store rather than an empty one under /root.
  if (geteuid() == 0) return "/var/lib/hxctl/state.db";
  if (const char* p = std::getenv("XDG_STATE_HOME"); p && *p)
    return std::string(p) + "/hxctl/state.db";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/hxctl/state.db";
}

int cmdSchema(CliEnv& env) {
  env.out << toJsonText(specJsonSchema()) << "\n";
  return exit_code::kOk;
}

int cmdComplete(CliEnv& env, const CommonOptions& common, const std::string& what) {
  if (what == "kinds") {
    for (const auto& k : kinds())
      if (!k.derived) env.out << k.name << "\n";
    return exit_code::kOk;
  }
  if (common.files.empty()) return exit_code::kOk;
  FsSpecSource source(common.specLimits.maxFileBytes);
  LoadResult loaded = loadSpecs(source, common.files, common.specLimits);
  for (const auto& r : loaded.desired.resources) {
    if (findKind(r.id.kind) && findKind(r.id.kind)->derived) continue;
    if (what == "resources") env.out << r.id.str() << "\n";
    if (what == "tasks" && r.id.kind == kind::kTask) env.out << r.id.name << "\n";
  }
  return exit_code::kOk;
}

int cmdExplain(CliEnv& env, const std::string& path) {
  auto text = explainField(path);
  if (!text) {
    env.err << "error: " << text.status().message() << "\n";
    return exit_code::kError;
  }
  env.out << text.value();
  return exit_code::kOk;
}

int cmdValidate(CliEnv& env, const CommonOptions& common) {
  FsSpecSource source(common.specLimits.maxFileBytes);
  LoadResult loaded = loadSpecs(source, common.files, common.specLimits);
  if (common.json())
    env.out << toJsonText(diagnosticsJson(loaded)) << "\n";
  else
    renderDiagnosticsText(env.out, loaded, common.style);
  return loaded.ok() ? exit_code::kOk : exit_code::kInvalidSpec;
}

// The prometheus.yml hxctl writes for a declared Prometheus (all of them, or `name`): what
// `apply` delivers, printed so it can be reviewed or installed by other means. No network.
int cmdMonitoringConfig(CliEnv& env, const CommonOptions& common, const std::string& name) {
  FsSpecSource source(common.specLimits.maxFileBytes);
  LoadResult loaded = loadSpecs(source, common.files, common.specLimits);
  if (!loaded.ok()) {
    renderDiagnosticsText(env.err, loaded, common.style);
    return exit_code::kInvalidSpec;
  }
  Json configs = Json::object();
  for (const auto* p : loaded.desired.ofKind(kind::kPrometheus))
    if (name.empty() || p->id.name == name) configs[p->id.name] = p->spec.value("config", Json());
  if (configs.empty()) {
    env.err << "error: "
            << (name.empty() ? "the specs declare no Prometheus"
                             : "no Prometheus/" + name + " in the specs")
            << "\n";
    return exit_code::kError;
  }
  if (common.json()) {
    env.out << toJsonText(configs) << "\n";
    return exit_code::kOk;
  }
  for (const auto& [owner, config] : configs.items())
    env.out << renderPrometheusYaml("Prometheus/" + owner, config);
  return exit_code::kOk;
}

int cmdHistory(CliEnv& env, const CommonOptions& common, int64_t runId, int limit) {
  auto store = openRecords(env, common);
  if (!store) return exit_code::kError;
  if (runId == 0) {
    auto runs = store.value()->runs(limit);
    if (!runs) return exitCodeOf(reportError(env, runs.status()));
    if (common.json()) {
      Json out = Json::array();
      for (const auto& r : runs.value()) out.push_back(runJson(r));
      env.out << toJsonText(out) << "\n";
    } else {
      renderHistoryText(env.out, runs.value());
    }
    return exit_code::kOk;
  }
  auto runs = store.value()->runs(1000000);
  if (!runs) return exitCodeOf(reportError(env, runs.status()));
  for (const auto& r : runs.value()) {
    if (r.id != runId) continue;
    auto actions = store.value()->actions(runId);
    if (!actions) return exitCodeOf(reportError(env, actions.status()));
    if (common.json()) {
      Json out = runJson(r);
      out["actions"] = Json::array();
      for (const auto& a : actions.value()) out["actions"].push_back(actionJson(a));
      env.out << toJsonText(out) << "\n";
    } else {
      renderRunText(env.out, r, actions.value());
    }
    return exit_code::kOk;
  }
  env.err << "error: no run " << runId << " in " << Store::shown(common.statePath) << "\n";
  return exit_code::kError;
}

int cmdForceUnlock(CliEnv& env, const CommonOptions& common, const std::string& lockId,
                   bool force) {
  auto store = openStore(env, common.statePath);
  if (!store) return exit_code::kError;
  auto current = store.value()->currentLock();
  if (!current) return exitCodeOf(reportError(env, current.status()));
  if (!current.value() || current.value()->lockId != lockId) {
    env.err << "error: no lock with ID " << lockId << " is held"
            << (current.value() ? " (the current lock is " + current.value()->lockId + ")" : "")
            << "\n";
    return exit_code::kError;
  }
  const LockInfo& l = *current.value();
  if (holderAlive(l) && !force) {
    env.err << "error: refusing to break " << describeLock(l)
            << ": that process is still running. Stop it first, or use --force if you are sure.\n";
    return exit_code::kLocked;
  }
  Status s = store.value()->forceUnlock(lockId);
  if (!s) return exitCodeOf(reportError(env, s));
  env.out << "Lock " << lockId << " broken (was held by " << l.holder << ", pid " << l.pid << " on "
          << l.hostname << ").\n";
  return exit_code::kOk;
}

}  // namespace hx
