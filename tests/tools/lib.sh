# Shared by the tool tests (sourced, not run): finding the tools, and a real orderstream-server on
# 127.0.0.1 with a kernel-chosen port and a fresh SQLite file in a temporary directory, stopped
# when the test exits.
#
# A missing tool fails the test: CI installs every one (scripts/setup.sh). On a machine that lacks
# them on purpose, ORDERSTREAM_ALLOW_MISSING_TOOLS=1 turns that into a skip (exit 77, which ctest
# reports as skipped) with the reason on stderr.
#
# Environment (set by tests/tools/CMakeLists.txt): ORDERSTREAM_SERVER_BIN, ORDERSTREAM_SOURCE_DIR.

set -euo pipefail

: "${ORDERSTREAM_SERVER_BIN:?}" "${ORDERSTREAM_SOURCE_DIR:?}"
readonly SKIP=77
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/orderstream-tools-XXXXXX")
SERVER_PID=

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # The server finishes open streams and drains within its 5 s grace; 10 s bounds the wait.
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TEST_DIR"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# missing_tool WHAT HOW_TO_INSTALL: fails, or skips when ORDERSTREAM_ALLOW_MISSING_TOOLS=1.
missing_tool() {
  if [ "${ORDERSTREAM_ALLOW_MISSING_TOOLS:-0}" = 1 ]; then
    echo "SKIPPED: $1 is missing ($2); skipped because ORDERSTREAM_ALLOW_MISSING_TOOLS=1" >&2
    exit "$SKIP"
  fi
  fail "$1 is missing: $2 (or set ORDERSTREAM_ALLOW_MISSING_TOOLS=1 to skip this test)"
}

# The buf binary that scripts/setup_npm.sh installed from the committed package-lock.json.
require_buf() {
  BUF="$ORDERSTREAM_SOURCE_DIR/node_modules/.bin/buf"
  command -v node >/dev/null || missing_tool node "run scripts/setup.sh"
  [ -x "$BUF" ] || missing_tool buf "run scripts/setup.sh (it runs scripts/setup_npm.sh)"
}

# Starts the server and sets TARGET to 127.0.0.1:<port> once it serves (bounded wait: 20 s).
start_server() {
  "$ORDERSTREAM_SERVER_BIN" --listen 127.0.0.1:0 --db "$TEST_DIR/orders.db" --sync normal \
    --port-file "$TEST_DIR/port" --log-level warn >"$TEST_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 200); do
    [ -s "$TEST_DIR/port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TEST_DIR/server.log" >&2; fail "server exited"; }
    sleep 0.1
  done
  [ -s "$TEST_DIR/port" ] || fail "server did not write its port within 20 s"
  TARGET="127.0.0.1:$(cat "$TEST_DIR/port")"
}

# expect_contains WHAT TEXT NEEDLE
expect_contains() {
  case "$2" in
    *"$3"*) ;;
    *) fail "$1: expected to find '$3' in: $2" ;;
  esac
}
