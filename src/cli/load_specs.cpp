#include "src/cli/load_specs.h"

#include "reconciler/values.h"
#include "src/cli/exit_codes.h"
#include "src/cli/render.h"
#include "src/platform/fs_spec_source.h"
#include "src/run/process_info.h"

namespace hx {

int loadValid(CliEnv& env, const CommonOptions& common, LoadResult& loaded) {
  FsSpecSource source(common.specLimits.maxFileBytes);
  loaded = loadSpecs(source, common.files, common.specLimits);
  recordSourceFiles(loaded);
  if (loaded.ok()) {
    if (!common.json() && !common.specWarningsShown)
      for (const auto& w : loaded.warnings) env.err << "warning: " << formatDiagnostic(w) << "\n";
    return exit_code::kOk;
  }
  if (common.json())
    env.out << toJsonText(diagnosticsJson(loaded)) << "\n";
  else
    renderDiagnosticsText(env.err, loaded, common.style);
  return exit_code::kInvalidSpec;
}

void noteNoRecords(CliEnv& env, const CommonOptions& common) {
  env.err << "note: no records yet at " << Store::shown(common.statePath)
          << ": run apply or start the daemon (or point --state / hxctl.yaml at its store)\n";
}

std::optional<LockInfo> storeKeeper(CliEnv& env, const CommonOptions& common) {
  auto store = Store::openReadOnly(common.statePath, env.clock);
  if (!store) return std::nullopt;
  auto lock = store.value()->currentLock();
  if (!lock || !lock.value() || !holderAlive(*lock.value(), env.clock.nowSeconds()))
    return std::nullopt;
  return lock.value();
}

Result<std::unique_ptr<Store>> openRecords(CliEnv& env, const CommonOptions& common) {
  bool missing = false;
  auto store = openStoreReadOnly(env, common.statePath, &missing);
  if (store && missing) noteNoRecords(env, common);
  return store;
}

std::optional<int64_t> durationFlag(CliEnv& env, const std::string& flag, const std::string& value,
                                    const std::string& example) {
  auto ms = parseDurationMs(value);
  if (!ms)
    env.err << "error: " << flag << " " << value << ": not a duration (e.g. " << example << ")\n";
  return ms;
}

int loadAndPrepare(CliEnv& env, const CommonOptions& common, PlanCommandOptions& options,
                   Prepared& p) {
  if (int rc = loadValid(env, common, p.loaded)) return rc;
  p.preloaded = true;
  return exitCodeOf(prepare(env, common, options, p, nullptr));
}

}  // namespace hx
