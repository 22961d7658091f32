// -o yaml: the JSON document a command prints, as YAML (kubectl's -o yaml). Emitted by yaml-cpp;
// a string that YAML would read as something else (true, 3, null, "") is quoted, so reading the
// YAML back gives the same document.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "src/cli/render.h"

namespace hx {

namespace {

bool readsAsOtherThanText(const std::string& s) {
  if (s.empty()) return true;
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word : {"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n"})
    if (lower == word) return true;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

void emit(YAML::Emitter& out, const Json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& v : j) emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (readsAsOtherThanText(s))
      out << YAML::DoubleQuoted << s;
    else
      out << s;
  } else if (j.is_null()) {
    out << YAML::Null;
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else {
    out << j.dump();  // numbers exactly as JSON writes them
  }
}

}  // namespace

std::string toYamlText(const Json& j) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, j);
  return std::string(out.c_str()) + "\n";
}

}  // namespace hx
