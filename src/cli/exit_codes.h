// The process exit codes of the `orderstream` CLI, shared by every subcommand so that scripts can
// tell a failed RPC from a mistyped command line or a user interrupt.
#pragma once

namespace orderstream::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitRpcError = 1,  // the server (or the channel) answered with a non-OK status
  kExitUsage = 2,     // bad flags or arguments, unreadable or unparsable input file
  // Ctrl-C during a streaming call: 128 + SIGINT, as a shell reports a process killed by SIGINT,
  // so scripts can tell "the user stopped it" from "the server failed it".
  kExitInterrupted = 130,
};

}  // namespace orderstream::cli
