#!/usr/bin/env bash
# The main job in one command: installs what is missing, builds, then runs the server on an
# embedded SQLite file with a demo of all four RPC shapes and a status change pushed to a watcher.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh orderstream-server orderstream
BUILD_DIR=${BUILD_DIR:-build} bash scripts/demo.sh
