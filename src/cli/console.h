// What the CLI writes to the terminal besides formatted records: records go to stdout one line at
// a time and flushed, so a stream can be followed through a pipe as it arrives; diagnostics go to
// stderr as "error: ..." lines. Also maps how a call ended to the process exit code.
#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

namespace orderstream::cli {

// Writes `line` plus a newline to stdout and flushes; false if stdout can no longer be written.
bool write_line(std::string_view line);

// Writes "error: <message>" to stderr.
void print_error(std::string_view message);

// For a call that ended with a non-OK status: prints "error: <CODE_NAME>: <message>" and returns
// kExitInterrupted if the user pressed Ctrl-C, kExitRpcError otherwise.
int report_failed_call(const grpc::Status& status, bool interrupted);

}  // namespace orderstream::cli
