#!/usr/bin/env bash
# The long form of the soak test (tests/faults/soak_test.cc): 1,000 watch streams, an import of
# 5,000 orders a second, history reads and status changes against a real server for SECONDS
# (default 300), printing the server's RSS each second. CI runs the same test for 20 s.
#   bash scripts/soak.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
build_dir=${BUILD_DIR:-build}
bash scripts/setup.sh
[ -d "$build_dir" ] || cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j"$(nproc)" --target fault_tests orderstream-server orderstream
ORDERSTREAM_SOAK_SECONDS=$seconds "$build_dir/tests/faults/fault_tests" --gtest_filter='*SoakTest*'
