// A minimal leveled logger for the server and tools: one line per message on stderr, written
// whole under a lock so lines from different threads never interleave. Detail that must not
// reach clients (SQL, paths, exceptions) goes here.
//
// Lines are text ("<time> <LEVEL> <message> key=value ...") or JSON objects, one per line, by
// set_log_format. log_fields() writes a message with structured fields (the per-call line);
// values are escaped in both formats, so a client-supplied string cannot forge a line.
#pragma once

#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

namespace orderstream {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
// "debug", "info", "warn", "error", "off".
std::optional<LogLevel> parse_log_level(std::string_view text);

enum class LogFormat { kText, kJson };

void set_log_format(LogFormat format);
// "text", "json".
std::optional<LogFormat> parse_log_format(std::string_view text);

struct LogField {
  std::string_view key;  // a plain identifier, written as is
  std::string value;
  bool number = false;  // written unquoted in JSON; the caller formats it
};

// One line: the message then each field, in the current format.
void log_fields(LogLevel level, std::string_view message, std::span<const LogField> fields);

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
