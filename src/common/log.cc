#include "common/log.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace orderstream {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::mutex g_write_mutex;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kOff:
      break;
  }
  return "";
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[80];  // room for any int the compiler cannot rule out
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return stamp;
}

// Control characters, quotes and backslashes escaped: the JSON string escapes, which a text
// line uses for quoted values too.
void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(c));
          out += code;
        } else {
          out += c;
        }
    }
  }
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text);
  out += '"';
}

// A text value stays bare unless it is empty or holds a space, quote, '=' or control character.
void append_text_value(std::string& out, std::string_view value) {
  const bool bare = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != '"' && c != '=' && c != '\\' && c != 0x7f;
  });
  if (bare) {
    out += value;
  } else {
    append_json_string(out, value);
  }
}

std::string format_line(LogLevel level, std::string_view message,
                        std::span<const LogField> fields) {
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    line +=
        "{\"time\":\"" + timestamp() + "\",\"level\":\"" + level_name(level) + "\",\"message\":";
    append_json_string(line, message);
    for (const auto& field : fields) {
      line += ",\"";
      line += field.key;
      line += "\":";
      if (field.number) {
        line += field.value;
      } else {
        append_json_string(line, field.value);
      }
    }
    line += "}\n";
    return line;
  }
  line = timestamp() + " " + level_name(level) + " ";
  // The message is the program's own text; only a newline in it could break the one-line rule.
  for (const char c : message) line += c == '\n' ? ' ' : c;
  for (const auto& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    append_text_value(line, field.value);
  }
  line += '\n';
  return line;
}

void write_line(const std::string& line) {
  std::lock_guard lock(g_write_mutex);
  std::fputs(line.c_str(), stderr);
}

}  // namespace

void set_log_format(LogFormat format) { g_format.store(format); }

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return std::nullopt;
}

void log_fields(LogLevel level, std::string_view message, std::span<const LogField> fields) {
  if (!log_enabled(level)) return;
  write_line(format_line(level, message, fields));
}

void set_log_level(LogLevel level) { g_level.store(level); }

bool log_enabled(LogLevel level) {
  return level != LogLevel::kOff && level >= g_level.load(std::memory_order_relaxed);
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  if (text == "off") return LogLevel::kOff;
  return std::nullopt;
}

LogLine::~LogLine() { write_line(format_line(level_, out_.str(), {})); }

}  // namespace orderstream
