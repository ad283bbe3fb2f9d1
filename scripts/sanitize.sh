#!/usr/bin/env bash
# Builds the project instrumented by a sanitizer in a build directory of its own and runs tests.
#   scripts/sanitize.sh address   AddressSanitizer + UndefinedBehaviorSanitizer, every test, in
#                                 build-asan. The tree is clang-14 with libFuzzer's coverage
#                                 instrumentation as well, so the fuzz targets (scripts/fuzz.sh)
#                                 are built in it too: one instrumented build serves both.
#   scripts/sanitize.sh thread    ThreadSanitizer, the tests labelled domain, storage, events and
#                                 common (build-tsan): Debian's gRPC is not instrumented, so TSan
#                                 cannot judge the tests that run it (docs/DESIGN.md, "Tests")
# Options after the kind:
#   --build-only TARGET...        configure and build only these targets, run nothing
#                                 (scripts/fuzz.sh builds its targets this way)
# Tests are chosen by ctest label (tests/CMakeLists.txt). Environment:
#   BUILD_DIR       default build-asan or build-tsan
#   EXCLUDE_LABELS  ctest label regex to leave out, e.g. EXCLUDE_LABELS=external for the tests
#                   that need a service outside the process tree; default: none left out
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-}
shift || true
case "$kind" in
  address)
    build_dir=${BUILD_DIR:-build-asan}
    targets=(all)
    labels=""
    # libFuzzer is clang's; its instrumentation costs the tests little, and a second instrumented
    # tree would double the longest step of CI.
    configure=(-DCMAKE_CXX_COMPILER=clang++-14 -DORDERSTREAM_BUILD_FUZZERS=ON)
    ;;
  thread)
    build_dir=${BUILD_DIR:-build-tsan}
    targets=(common_tests domain_tests events_tests storage_tests)
    labels='^(common|domain|events|storage)$'
    configure=()
    ;;
  *)
    echo "usage: scripts/sanitize.sh address|thread [--build-only TARGET...]" >&2
    exit 2
    ;;
esac
build_only=0
if [[ ${1:-} == --build-only ]]; then
  build_only=1
  shift
  targets=("$@")
fi

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # As scripts/build.sh: a clone elsewhere hits the same cache entries.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
# -O1 -g1: what the sanitizers' authors advise (usable speed, stacks with lines), and quicker to
# compile than -O2 with full debug info.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DORDERSTREAM_SANITIZER="$kind" "${configure[@]}" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"
[[ $build_only == 1 ]] && exit 0

ctest_args=(--output-on-failure -j"$(nproc)" --timeout 600)
[[ -n $labels ]] && ctest_args+=(-L "$labels")
[[ -n ${EXCLUDE_LABELS:-} ]] && ctest_args+=(-LE "$EXCLUDE_LABELS")
# halt_on_error: the first finding fails its test. detect_leaks stays on (ASan's default).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
cd "$build_dir"
ctest "${ctest_args[@]}"
