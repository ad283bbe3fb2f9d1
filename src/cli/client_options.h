// The flags every subcommand shares: where the server is, how long a call may take, how results
// are printed and how large a message may be. They are registered on the app and on each
// subcommand, so that they may come before or after the command name and
// `orderstream <command> --help` shows them.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "cli/output.h"

namespace orderstream::cli {

inline constexpr const char* kDefaultTarget = "127.0.0.1:50051";
// When set and not empty, the target instead of kDefaultTarget (--target still wins).
inline constexpr const char* kTargetEnvironmentVariable = "ORDERSTREAM_TARGET";
inline constexpr int kDefaultMaxMessageBytes = 4 * 1024 * 1024;  // gRPC's own receive default
inline constexpr std::chrono::seconds kDefaultUnaryDeadline{10};

struct ClientOptions {
  std::string target = kDefaultTarget;
  // Unset: the command's default (kDefaultUnaryDeadline for unary calls, none for streams).
  std::optional<std::chrono::milliseconds> deadline;
  OutputFormat output = OutputFormat::kText;
  int max_message_bytes = kDefaultMaxMessageBytes;
  // TLS when `tls` is set (--tls, or implied by --ca or --cert): the server's certificate is
  // checked against `ca_pem`, or the system's roots when it is empty; `cert_pem` and `key_pem`
  // are the client's own certificate for servers that require one (mutual TLS). The files are
  // read while parsing, so an unreadable one is a usage error.
  bool tls = false;
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  // Sent as 'authorization: Bearer <token>' on every call when non-empty: from --token-file, else
  // the ORDERSTREAM_TOKEN environment variable. Never printed.
  std::string token;
};

// Registers --target, --deadline, --output, --max-message-bytes, the TLS flags (--tls, --ca,
// --cert, --key) and --token-file on `command` (the app or a subcommand), in a group of their
// own in the help text.
void add_client_options(CLI::App& command, ClientOptions& options);

}  // namespace orderstream::cli
