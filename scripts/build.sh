#!/usr/bin/env bash
# Configures and builds orderstream into BUILD_DIR (default ./build) with every core.
# Arguments, if any, are the targets to build (default: everything, tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [ $# -gt 0 ]; then
  cmake --build "$build_dir" -j"$(nproc)" --target "$@"
else
  cmake --build "$build_dir" -j"$(nproc)"
fi
