#include "src/run/estate_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "reconciler/schema.h"
#include "state/store.h"

namespace fs = std::filesystem;

namespace hx {

namespace {

constexpr const char* kFileName = "hxctl.yaml";

std::string at(const std::string& path, const YAML::Node& node) {
  return path + ":" + std::to_string(node.Mark().line + 1) + ":" +
         std::to_string(node.Mark().column + 1);
}

Status bad(const std::string& where, const std::string& what) {
  return Status::error(ErrorKind::kInvalidSpec, where + ": " + what);
}

std::string resolved(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return (path.is_absolute() ? path : base / path).lexically_normal().string();
}

std::string canonical(const std::string& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? p : c.string();
}

}  // namespace

const std::vector<std::string>& configurableFlags() {
  static const std::vector<std::string> kFlags = {"parallelism", "lock-timeout", "interval",
                                                  "recheck-heavy", "metrics-address"};
  return kFlags;
}

Result<EstateConfig> readEstateConfig(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::error(ErrorKind::kInvalidSpec, path + ": cannot read the config file");
  } catch (const YAML::Exception& e) {
    return bad(
        path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
        "not YAML: " + e.msg);
  }
  if (!root.IsMap()) return bad(path, "expected a mapping (estate:, specs:, state:, defaults:)");
  EstateConfig c;
  c.path = path;
  const fs::path base = fs::absolute(path).parent_path();
  static const std::vector<std::string> kKeys = {"estate", "specs", "state", "defaults"};
  try {
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
        return bad(at(path, entry.first), "unknown key \"" + key + "\"" + didYouMean(key, kKeys));
      if (key == "estate") {
        if (!value.IsScalar() || value.as<std::string>().empty())
          return bad(at(path, value), "estate: expected the estate's name");
        c.estate = value.as<std::string>();
      } else if (key == "specs") {
        if (value.IsScalar()) {
          c.specs.push_back(resolved(base, value.as<std::string>()));
        } else if (value.IsSequence() && value.size() > 0) {
          for (const auto& s : value) {
            if (!s.IsScalar()) return bad(at(path, s), "specs: expected a path");
            c.specs.push_back(resolved(base, s.as<std::string>()));
          }
        } else {
          return bad(at(path, value), "specs: expected a path or a list of paths");
        }
      } else if (key == "state") {
        if (!value.IsScalar() || value.as<std::string>().empty())
          return bad(at(path, value), "state: expected the store's path");
        // A shared store's URL is kept as written; a file is relative to this file's directory.
        c.state = Store::isUrl(value.as<std::string>()) ? value.as<std::string>()
                                                        : resolved(base, value.as<std::string>());
      } else {
        if (!value.IsMap()) return bad(at(path, value), "defaults: expected a mapping of flags");
        for (const auto& d : value) {
          const std::string flag = d.first.as<std::string>();
          const auto& known = configurableFlags();
          if (std::find(known.begin(), known.end(), flag) == known.end())
            return bad(at(path, d.first),
                       "defaults: no flag \"" + flag + "\" to default" + didYouMean(flag, known));
          if (!d.second.IsScalar()) return bad(at(path, d.second), flag + ": expected a value");
          c.defaults[flag] = d.second.as<std::string>();
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return bad(path, e.msg);
  }
  if (c.estate.empty())
    return bad(path, "estate: required: the name this estate's store records (e.g. estate: lab)");
  return c;
}

std::string findEstateConfig(const std::string& explicitPath, const std::vector<std::string>& specs,
                             const std::string& systemPath) {
  if (!explicitPath.empty()) return explicitPath;
  std::error_code ec;
  fs::path start = specs.empty() ? fs::current_path(ec) : fs::absolute(specs.front(), ec);
  if (!specs.empty() && !fs::is_directory(start, ec)) start = start.parent_path();
  for (fs::path dir = start.lexically_normal(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / kFileName, ec)) return (dir / kFileName).string();
    if (dir == dir.root_path()) break;
  }
  if (specs.empty() && !systemPath.empty() && fs::is_regular_file(systemPath, ec))
    return systemPath;
  return "";
}

std::string estateIdentity(const EstateConfig& config, const std::vector<std::string>& specs) {
  if (!config.estate.empty()) return config.estate;
  if (specs.empty()) return "";
  std::error_code ec;
  std::string first = specs.front();
  if (!fs::is_directory(first, ec)) first = fs::absolute(first, ec).parent_path().string();
  return "specs at " + canonical(first);
}

}  // namespace hx
