#!/usr/bin/env bash
# Installs the npm packages the tool tests and examples use, from the committed package-lock.json
# files, into gitignored node_modules folders: buf (repository root) and the Node.js example's
# gRPC libraries (examples/node). Skips a folder whose node_modules already matches its lock file,
# so repeated runs cost nothing. Needs node and npm (scripts/setup.sh installs them if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

for dir in . examples/node; do
  lock="$dir/package-lock.json"
  # npm ci writes node_modules/.package-lock.json: newer than the lock file, it was installed from it.
  installed="$dir/node_modules/.package-lock.json"
  if [ -f "$installed" ] && [ "$installed" -nt "$lock" ]; then
    continue
  fi
  echo "setup: npm ci in $dir"
  # --ignore-scripts: buf's postinstall only swaps its launcher for the native binary, which npm
  # installs anyway as the platform's optional dependency.
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
done
