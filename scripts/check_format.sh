#!/usr/bin/env bash
# Fails when a tracked C++ file (.h, .cc) differs from what clang-format makes of it with the
# repository's .clang-format. Prints the files to fix and the command that fixes them.
# Usage: scripts/check_format.sh   (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format missing (scripts/setup.sh installs it)" >&2; exit 2; }

unformatted=()
while IFS= read -r -d '' file; do
  if ! clang-format --style=file --dry-run -Werror "$file" >/dev/null 2>&1; then
    unformatted+=("$file")
  fi
done < <(git ls-files -z -- '*.h' '*.cc')

if ((${#unformatted[@]} > 0)); then
  printf 'format: not clang-formatted: %s\n' "${unformatted[@]}" >&2
  echo "format: fix with: clang-format -i ${unformatted[*]}" >&2
  exit 1
fi
echo "format: ok"
