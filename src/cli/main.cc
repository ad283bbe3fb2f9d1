// Entry point of the `orderstream` command-line client; everything else is in commands.cc.
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // Only the import command reads std::cin, and only with getline; unsynchronised it is fast.
  std::ios::sync_with_stdio(false);
  return orderstream::cli::run_cli(argc, argv);
}
