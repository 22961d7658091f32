#include "src/platform/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "src/platform/terminal_text.h"

namespace hx {

namespace {

// sd-daemon(3)'s priority prefixes, which journald reads off each line of a service's stderr.
int syslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

class JournalFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = "<" + std::to_string(syslogPriority(msg.level)) + ">";
    // One record per line: a newline from a server must not start a forged one.
    line += printableText(std::string_view(msg.payload.data(), msg.payload.size()), false);
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JournalFormatter>();
  }
};

// A text pattern whose message has every control character shown as text (terminal_text.h).
class PrintableFormatter : public spdlog::formatter {
 public:
  explicit PrintableFormatter(std::string pattern)
      : pattern_(pattern),
        inner_(std::make_unique<spdlog::pattern_formatter>(std::move(pattern))) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string clean =
        printableText(std::string_view(msg.payload.data(), msg.payload.size()), false);
    spdlog::details::log_msg shown = msg;
    shown.payload = spdlog::string_view_t(clean.data(), clean.size());
    inner_->format(shown, dest);
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<PrintableFormatter>(pattern_);
  }

 private:
  std::string pattern_;
  std::unique_ptr<spdlog::pattern_formatter> inner_;
};

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[96];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms.count() % 1000));
    auto level = spdlog::level::to_string_view(msg.level);
    nlohmann::json j{{"ts", ts},
                     {"level", std::string(level.data(), level.size())},
                     {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    // Replace, not throw, on invalid UTF-8: a log line must never take the daemon down.
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

bool configureLogging(const std::string& format, const std::string& defaultLevel) {
  if (format != "text" && format != "json") return false;
  auto logger = spdlog::get("hxctl");
  if (!logger) {
    logger = spdlog::stderr_color_mt("hxctl");
    spdlog::set_default_logger(logger);
  }
  const char* journal = std::getenv("JOURNAL_STREAM");
  if (format == "json")
    logger->set_formatter(std::make_unique<JsonFormatter>());
  else if (journal && *journal)
    logger->set_formatter(std::make_unique<JournalFormatter>());
  else
    logger->set_formatter(std::make_unique<PrintableFormatter>("[%Y-%m-%dT%H:%M:%S.%e] [%l] %v"));
  const char* level = std::getenv("HXCTL_LOG_LEVEL");
  logger->set_level(spdlog::level::from_str(level && *level ? level : defaultLevel));
  return true;
}

}  // namespace hx
