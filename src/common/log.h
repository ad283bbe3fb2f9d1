// A minimal leveled logger for the server and tools: one line per message on stderr, written
// whole under a lock so lines from different threads never interleave. Detail that must not
// reach clients (SQL, paths, exceptions) goes here.
#pragma once

#include <optional>
#include <sstream>
#include <string_view>

namespace orderstream {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
// "debug", "info", "warn", "error", "off".
std::optional<LogLevel> parse_log_level(std::string_view text);

class LogLine {
 public:
  explicit LogLine(LogLevel level) : level_(level) {}
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;
  std::ostream& stream() { return out_; }

 private:
  LogLevel level_;
  std::ostringstream out_;
};

}  // namespace orderstream

#define OS_LOG(level)                                                \
  if (!::orderstream::log_enabled(::orderstream::LogLevel::level)) { \
  } else                                                             \
    ::orderstream::LogLine(::orderstream::LogLevel::level).stream()
