#include "transport/library_logs.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/log.h"
#include "common/log_throttle.h"

namespace orderstream::transport {
namespace {

constexpr std::size_t kLinesPerWindow = 20;
constexpr auto kWindow = std::chrono::minutes(1);

// `file` without its directories: the libraries pass the full build path.
std::string_view base_name(const char* file) {
  std::string_view path = file != nullptr ? file : "";
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void write_line(LogThrottle& throttle, LogLevel level, std::string_view library, const char* file,
                int line, std::string_view message) {
  if (!log_enabled(level)) return;
  uint64_t dropped = 0;
  if (!throttle.admit(dropped)) return;
  LogLine out(level);
  out.stream() << library << ": " << message << " (" << base_name(file) << ":" << line << ")";
  if (dropped > 0) out.stream() << " [" << dropped << " earlier " << library << " lines dropped]";
}

LogThrottle& grpc_throttle() {
  static LogThrottle throttle(kLinesPerWindow, kWindow);
  return throttle;
}

LogThrottle& protobuf_throttle() {
  static LogThrottle throttle(kLinesPerWindow, kWindow);
  return throttle;
}

void grpc_log(gpr_log_func_args* args) {
  LogLevel level = LogLevel::kError;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = LogLevel::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = LogLevel::kInfo;
  write_line(grpc_throttle(), level, "grpc", args->file, args->line,
             args->message != nullptr ? args->message : "");
}

void protobuf_log(google::protobuf::LogLevel severity, const char* file, int line,
                  const std::string& message) {
  switch (severity) {
    case google::protobuf::LOGLEVEL_INFO:
      write_line(protobuf_throttle(), LogLevel::kInfo, "protobuf", file, line, message);
      return;
    case google::protobuf::LOGLEVEL_WARNING:
      write_line(protobuf_throttle(), LogLevel::kWarn, "protobuf", file, line, message);
      return;
    case google::protobuf::LOGLEVEL_ERROR:
      write_line(protobuf_throttle(), LogLevel::kError, "protobuf", file, line, message);
      return;
    case google::protobuf::LOGLEVEL_FATAL:
      break;
  }
  // protobuf aborts after a fatal line: it is written whatever the level and the throttle.
  LogLine(LogLevel::kError).stream()
      << "protobuf: FATAL: " << message << " (" << base_name(file) << ":" << line << ")";
}

}  // namespace

void route_library_logs() {
  gpr_set_log_function(grpc_log);
  google::protobuf::SetLogHandler(protobuf_log);
}

}  // namespace orderstream::transport
