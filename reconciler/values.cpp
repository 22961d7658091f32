#include "reconciler/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <regex>
#include <vector>

namespace hx {
namespace {

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); });
}

std::optional<int64_t> toInt(std::string_view s) {
  if (!allDigits(s) || s.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<int64_t> parseDurationMs(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    auto number = toInt(text.substr(start, i - start));
    if (!number) return std::nullopt;
    size_t unitStart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unitStart, i - unitStart);
    int64_t scale = 0;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m")
      scale = 60'000;
    else if (unit == "h")
      scale = 3'600'000;
    else if (unit == "d")
      scale = 86'400'000;
    else
      return std::nullopt;
    total += *number * scale;
  }
  return total;
}

std::string checkDuration(std::string_view text) {
  if (!parseDurationMs(text))
    return "\"" + std::string(text) + "\" is not a duration (use e.g. 500ms, 5s, 1m30s, 2h)";
  return "";
}

std::optional<EffortRange> parseEffort(std::string_view text) {
  // The operators' words: a number or a range of numbers, then a unit spelled out.
  static const std::regex kWords(
      R"(^([0-9]+(?:\.[0-9]+)?)(?:-([0-9]+(?:\.[0-9]+)?))? ?(minutes?|mins?|hours?|hrs?|days?)$)");
  std::smatch m;
  const std::string s(text);
  EffortRange out;
  if (std::regex_match(s, m, kWords)) {
    const char u = m[3].str()[0];
    const double scale = u == 'm' ? 1 : u == 'h' ? 60 : 1440;
    out.lowMinutes = static_cast<int64_t>(std::stod(m[1].str()) * scale + 0.5);
    out.highMinutes =
        m[2].matched ? static_cast<int64_t>(std::stod(m[2].str()) * scale + 0.5) : out.lowMinutes;
  } else {
    const auto dash = s.find('-');
    auto low = parseDurationMs(s.substr(0, dash));
    auto high = dash == std::string::npos ? low : parseDurationMs(s.substr(dash + 1));
    if (!low || !high) return std::nullopt;
    out.lowMinutes = *low / 60'000;
    out.highMinutes = *high / 60'000;
  }
  if (out.lowMinutes > out.highMinutes) return std::nullopt;
  return out;
}

bool effortBackwards(std::string_view text) {
  const std::string s(text);
  const auto dash = s.find('-');
  if (dash == std::string::npos || parseEffort(s)) return false;
  // "6-4 hours": the unit belongs to the whole range; "6h-4h": to each end.
  std::string high = s.substr(dash + 1), low = s.substr(0, dash);
  const auto unit = high.find_first_not_of("0123456789.");
  if (unit != std::string::npos && high[unit] == ' ')
    return parseEffort(high.substr(0, unit) + "-" + low + high.substr(unit)).has_value();
  return parseEffort(high + "-" + low).has_value();
}

std::string formatEffort(const EffortRange& effort) {
  auto span = [](int64_t minutes) {
    if (minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
    if (minutes < 60) return std::to_string(minutes) + "m";
    return std::to_string(minutes / 60) + "h" + std::to_string(minutes % 60) + "m";
  };
  const bool hours = effort.lowMinutes % 60 == 0 && effort.highMinutes % 60 == 0;
  const bool range = effort.lowMinutes != effort.highMinutes;
  if (hours && effort.highMinutes > 0)
    return std::to_string(effort.lowMinutes / 60) +
           (range ? "-" + std::to_string(effort.highMinutes / 60) : "") +
           (effort.highMinutes == 60 ? " hour" : " hours");
  if (effort.highMinutes < 120)
    return std::to_string(effort.lowMinutes) +
           (range ? "-" + std::to_string(effort.highMinutes) : "") + " minutes";
  return span(effort.lowMinutes) + (range ? "-" + span(effort.highMinutes) : "");
}

std::string checkCidr(std::string_view text) {
  std::string s(text);
  std::string addr = s;
  std::optional<int64_t> prefix;
  auto slash = s.find('/');
  if (slash != std::string::npos) {
    addr = s.substr(0, slash);
    prefix = toInt(std::string_view(s).substr(slash + 1));
    if (!prefix) return "\"" + s + "\" is not a CIDR: the prefix length must be a number";
  }
  unsigned char buf[16];
  bool v6 = addr.find(':') != std::string::npos;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), buf) != 1)
    return "\"" + s + "\" is not an IP address or CIDR";
  if (prefix && *prefix > (v6 ? 128 : 32))
    return "\"" + s + "\" is not a CIDR: prefix /" + std::to_string(*prefix) + " exceeds " +
           (v6 ? "128" : "32");
  return "";
}

bool isIpv6(std::string_view cidr) { return cidr.find(':') != std::string_view::npos; }

std::string checkAddress(std::string_view text) {
  if (text.find('/') == std::string_view::npos && checkCidr(text).empty()) return "";
  if (text.empty() || text.size() > 253)
    return "\"" + std::string(text) + "\" is not a host address";
  bool digitsAndDots =
      std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(c) || c == '.'; });
  bool dnsChars = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
  if (digitsAndDots || !dnsChars || text.front() == '-' || text.front() == '.')
    return "\"" + std::string(text) + "\" is not an IP address or host name";
  return "";
}

std::string checkUrl(std::string_view text) {
  std::string s(text);
  std::string rest;
  if (s.rfind("http://", 0) == 0)
    rest = s.substr(7);
  else if (s.rfind("https://", 0) == 0)
    rest = s.substr(8);
  else
    return "\"" + s + "\" is not a URL: it must start with http:// or https://";
  std::string authority = rest.substr(0, rest.find('/'));
  std::string host = authority;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return "\"" + s + "\" is not a URL: unclosed '[' in host";
    host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':' || !toInt(after.substr(1)))
        return "\"" + s + "\" is not a URL: bad port";
    }
    if (!checkCidr(host).empty()) return "\"" + s + "\" is not a URL: bad IPv6 address";
    return "";
  }
  auto colon = authority.find(':');
  if (colon != std::string::npos) {
    host = authority.substr(0, colon);
    auto port = toInt(std::string_view(authority).substr(colon + 1));
    if (!port || *port < 1 || *port > 65535)
      return "\"" + s + "\" is not a URL: the port must be a number from 1 to 65535";
  }
  if (host.empty()) return "\"" + s + "\" is not a URL: it has no host";
  if (!checkAddress(host).empty()) return "\"" + s + "\" is not a URL: bad host \"" + host + "\"";
  return "";
}

std::string checkPortOrRange(std::string_view text) {
  std::string s(text);
  auto sep = s.find_first_of(":-");
  auto inRange = [](std::optional<int64_t> p) { return p && *p >= 1 && *p <= 65535; };
  if (sep == std::string::npos) {
    if (!inRange(toInt(s))) return "\"" + s + "\" is not a port (1-65535)";
    return "";
  }
  auto lo = toInt(std::string_view(s).substr(0, sep));
  auto hi = toInt(std::string_view(s).substr(sep + 1));
  if (!inRange(lo) || !inRange(hi)) return "\"" + s + "\" is not a port range (e.g. 6000:6010)";
  if (*lo >= *hi) return "\"" + s + "\" is not a port range: the first port must be lower";
  return "";
}

std::string checkName(std::string_view text) {
  if (text.empty()) return "a name must not be empty";
  if (text.size() > 253) return "a name must be at most 253 characters";
  if (!std::isalnum(static_cast<unsigned char>(text.front())))
    return "\"" + std::string(text) +
           "\" is not a valid name: it must start with a letter or digit";
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
      return "\"" + std::string(text) +
             "\" is not a valid name: use letters, digits, '.', '-' and '_' only";
  return "";
}

std::optional<int64_t> parseDateSeconds(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%d", &tm);
  if (!end) return std::nullopt;
  if (*end != '\0') {
    end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) return std::nullopt;
    std::string zone(end);
    if (zone != "Z" && zone != "+00:00") return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm));
}

std::string checkDate(std::string_view text) {
  if (!parseDateSeconds(text))
    return "\"" + std::string(text) + "\" is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)";
  return "";
}

std::string contentDigest(std::string_view text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += separator;
    out += i;
  }
  return out;
}

}  // namespace hx
