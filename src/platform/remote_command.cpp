#include "src/platform/remote_command.h"

#include <algorithm>
#include <cstring>

namespace hx {

namespace {

// ssh(1)'s options that take a value (the next word, unless attached: -p22).
bool takesValue(char option) {
  return option && std::strchr("BbcDEeFIiJLlmOoPpQRSWw", option) != nullptr;
}

}  // namespace

bool isSsh(const std::vector<std::string>& argv) {
  if (argv.empty()) return false;
  const std::string& a = argv[0];
  const auto slash = a.rfind('/');
  return (slash == std::string::npos ? a : a.substr(slash + 1)) == "ssh";
}

std::optional<size_t> sshDestination(const std::vector<std::string>& argv) {
  if (!isSsh(argv)) return std::nullopt;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") return i + 1 < argv.size() ? std::optional<size_t>(i + 1) : std::nullopt;
    if (a.size() < 2 || a[0] != '-') return i;
    // A cluster of flags (-tt, -4v) may end in one that takes the next word as its value.
    for (size_t j = 1; j < a.size(); ++j)
      if (takesValue(a[j])) {
        if (j + 1 == a.size()) ++i;  // the value is the next word
        break;
      }
  }
  return std::nullopt;
}

std::optional<std::string> sshHost(const std::vector<std::string>& argv) {
  auto at = sshDestination(argv);
  if (!at) return std::nullopt;
  std::string d = argv[*at];
  if (d.rfind("ssh://", 0) == 0) d = d.substr(6);
  if (auto u = d.rfind('@'); u != std::string::npos) d = d.substr(u + 1);
  if (!d.empty() && d[0] == '[') return d.substr(1, d.find(']') - 1);          // [::1]:22
  if (std::count(d.begin(), d.end(), ':') == 1) d = d.substr(0, d.find(':'));  // host:port
  return d;
}

std::string shellQuoted(const std::string& word) {
  std::string s = "'";
  for (char c : word) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

std::vector<std::string> forRemoteShell(const std::vector<std::string>& argv) {
  auto at = sshDestination(argv);
  if (!at) return argv;
  std::vector<std::string> out(argv.begin(), argv.begin() + static_cast<long>(*at) + 1);
  for (size_t i = *at + 1; i < argv.size(); ++i) out.push_back(shellQuoted(argv[i]));
  return out;
}

}  // namespace hx
