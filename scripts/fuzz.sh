#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) in the AddressSanitizer + UndefinedBehaviorSanitizer tree of
# scripts/sanitize.sh address (clang-14, build-asan) and runs each for FUZZ_SECONDS (default 10)
# from its seed corpus in fuzz/corpus/<target>. New inputs go to a
# scratch directory, so the committed corpus does not change; a crash leaves its input in the
# build tree (crash-*) and fails the script. CI runs it after the test suite (.ci/run).
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh     # a longer run
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
seconds=${FUZZ_SECONDS:-10}
build_dir=${FUZZ_BUILD_DIR:-build-asan}
targets=(fuzz_import_reader fuzz_request_mapping fuzz_server_request)

# CI runs scripts/sanitize.sh address first, so this build finds its targets already built.
BUILD_DIR=$build_dir bash scripts/sanitize.sh address --build-only "${targets[@]}"

for target in "${targets[@]}"; do
  scratch=$(mktemp -d)
  options=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build_dir/$target-")
  # The server harness's gRPC threads allocate between inputs, which the per-input leak check
  # would take for leaks; ASan still checks every access.
  [ "$target" = fuzz_server_request ] && options+=(-detect_leaks=0)
  echo "fuzz: $target for ${seconds}s"
  if ! "$build_dir/fuzz/$target" "${options[@]}" "$scratch" "fuzz/corpus/$target" \
      >"$build_dir/$target.log" 2>&1; then
    tail -n 60 "$build_dir/$target.log"
    rm -rf "$scratch"
    echo "fuzz: $target failed (log: $build_dir/$target.log)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$build_dir/$target.log" | tail -n 2
  rm -rf "$scratch"
done
echo "fuzz: every target ran clean"
