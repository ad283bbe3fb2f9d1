#include "cli/console.h"

#include <cstdio>
#include <string>

#include "cli/exit_codes.h"
#include "cli/status_names.h"

namespace orderstream::cli {

bool write_line(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

void print_error(std::string_view message) {
  std::fprintf(stderr, "error: %.*s\n", static_cast<int>(message.size()), message.data());
}

int report_failed_call(const grpc::Status& status, bool interrupted) {
  // gRPC's own message for a client-side cancel is just "CANCELLED"; say who cancelled.
  const bool cancelled_by_us = interrupted && status.error_code() == grpc::StatusCode::CANCELLED;
  const std::string line =
      format_rpc_error(cancelled_by_us ? grpc::Status(status.error_code(), "interrupted (Ctrl-C)")
                                       : status) +
      "\n";
  std::fputs(line.c_str(), stderr);
  return interrupted ? kExitInterrupted : kExitRpcError;
}

}  // namespace orderstream::cli
