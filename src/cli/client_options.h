// The flags every subcommand shares: where the server is, how long a call may take, how results
// are printed and how large a message may be. They are registered on each subcommand (not on the
// app) so that `orderstream <command> --help` shows them and they may follow the command name.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "cli/output.h"

namespace orderstream::cli {

inline constexpr const char* kDefaultTarget = "127.0.0.1:50051";
inline constexpr int kDefaultMaxMessageBytes = 4 * 1024 * 1024;  // gRPC's own receive default
inline constexpr std::chrono::seconds kDefaultUnaryDeadline{10};

struct ClientOptions {
  std::string target = kDefaultTarget;
  // Unset: the command's default (kDefaultUnaryDeadline for unary calls, none for streams).
  std::optional<std::chrono::milliseconds> deadline;
  OutputFormat output = OutputFormat::kText;
  int max_message_bytes = kDefaultMaxMessageBytes;
};

// Registers --target, --deadline, --output and --max-message-bytes on `command`, in a group of
// their own in the help text.
void add_client_options(CLI::App& command, ClientOptions& options);

}  // namespace orderstream::cli
