// gRPC and protobuf write their own log lines to stderr in their own formats. The server routes
// both through the project's logger (common/log.h), so every line has one format and obeys
// --log-level, and bounds each library to a few lines a minute (common/log_throttle.h): a client
// can make protobuf log once per message (a string field that is not UTF-8), and gRPC once per
// broken connection.
#pragma once

namespace orderstream::transport {

// Installs the handlers process-wide. Call once at start-up, before any gRPC or protobuf use and
// while the process has one thread (protobuf's SetLogHandler is not thread-safe).
void route_library_logs();

}  // namespace orderstream::transport
