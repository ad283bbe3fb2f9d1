#!/usr/bin/env bash
# Configures and builds orderstream into BUILD_DIR (default ./build) with every core, through
# ccache when it is installed (scripts/setup.sh installs it). Arguments, if any, are the targets
# to build (default: everything, tests included). ORDERSTREAM_WARNINGS_AS_ERRORS=ON (as .ci/run
# sets it) makes the project's warnings errors.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout, and the build directory left out of the hash (it is only in
  # the debug info), so that a clone elsewhere, as CI makes, hits the same cache entries.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DORDERSTREAM_WARNINGS_AS_ERRORS="${ORDERSTREAM_WARNINGS_AS_ERRORS:-OFF}" "${launcher[@]}" >/dev/null
if [ $# -gt 0 ]; then
  cmake --build "$build_dir" -j"$(nproc)" --target "$@"
else
  cmake --build "$build_dir" -j"$(nproc)"
fi
