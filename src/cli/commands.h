// The command-line grammar of `orderstream`: subcommands, their flags and help texts, parsing
// (CLI11) and dispatch to the rpc_commands.h functions. Usage errors exit with kExitUsage.
#pragma once

namespace orderstream::cli {

// Parses argv, runs the chosen subcommand and returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace orderstream::cli
