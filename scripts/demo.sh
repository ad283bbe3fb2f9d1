#!/usr/bin/env bash
# Quick-start demo of orderstream: starts a server on a free port with a throwaway database, then
# walks through every RPC with the `orderstream` CLI: a watch subscribed before its order exists,
# create, a bulk import with a few bad rows, status changes, the customer's history, and finally
# what the watcher was pushed meanwhile. Everything runs under a temporary directory that is
# removed on exit, along with the processes the script started.
#
# Usage: scripts/demo.sh [BUILD_DIR]     (or BUILD_DIR=... scripts/demo.sh; default ./build)
set -euo pipefail

BUILD_DIR="${1:-${BUILD_DIR:-./build}}"
SERVER_BIN="$BUILD_DIR/orderstream-server"
CLI_BIN="$BUILD_DIR/orderstream"
for bin in "$SERVER_BIN" "$CLI_BIN"; do
  if [[ ! -x "$bin" ]]; then
    echo "error: $bin not found; build first (cmake -S . -B build && cmake --build build)" >&2
    exit 2
  fi
done

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/orderstream-demo.XXXXXX")"
SERVER_PID=""
WATCH_PID=""

# Waits up to $1 seconds for process $2 to exit, then kills it; never blocks longer.
stop_process() {
  local timeout="$1" pid="$2" signal="$3"
  kill "-$signal" "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -n "$WATCH_PID" ]] && stop_process 5 "$WATCH_PID" TERM
  [[ -n "$SERVER_PID" ]] && stop_process 10 "$SERVER_PID" TERM
  rm -rf "$WORK_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -t 1 ]]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
heading() { printf '\n%s=== %s ===%s\n' "$BOLD" "$*" "$PLAIN"; }

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds; fails on timeout.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

port_file_ready() { [[ "$(cat "$WORK_DIR/port" 2>/dev/null)" =~ ^[0-9]+$ ]]; }
server_alive() { kill -0 "$SERVER_PID" 2>/dev/null; }
server_ready() {
  server_alive || { echo "error: the server exited:" >&2; cat "$WORK_DIR/server.log" >&2; exit 1; }
  port_file_ready
}
watch_saw() { grep -q "  $1  " "$WORK_DIR/watch.out" 2>/dev/null; }

# The CLI against our server; --target may follow the command's own arguments.
cli() { "$CLI_BIN" "$@" --target "$TARGET"; }

ORDER_ID="ORD-demo-0001"
CUSTOMER="demo-customer"

heading "1. Start orderstream-server (database in $WORK_DIR)"
"$SERVER_BIN" --listen 127.0.0.1:0 --db "$WORK_DIR/orders.db" --port-file "$WORK_DIR/port" \
  >"$WORK_DIR/server.log" 2>&1 &
SERVER_PID=$!
if ! wait_for 20 server_ready; then
  echo "error: no port file after 20 s; server log:" >&2
  cat "$WORK_DIR/server.log" >&2
  exit 1
fi
TARGET="127.0.0.1:$(cat "$WORK_DIR/port")"
echo "listening on $TARGET (pid $SERVER_PID)"

heading "2. Watch $ORDER_ID before it exists (in the background)"
# The deadline is a safety net: the watcher never outlives the demo by much, whatever happens.
"$CLI_BIN" watch "$ORDER_ID" --target "$TARGET" --deadline 2m \
  >"$WORK_DIR/watch.out" 2>"$WORK_DIR/watch.err" </dev/null &
WATCH_PID=$!
# The server acknowledges a subscription to a missing order with status UNKNOWN.
if ! wait_for 10 watch_saw UNKNOWN; then
  echo "error: the watch was not acknowledged within 10 s" >&2
  cat "$WORK_DIR/watch.err" >&2
  exit 1
fi
echo "subscribed (pid $WATCH_PID); the server acknowledged with UNKNOWN"

heading "3. Create $ORDER_ID for $CUSTOMER"
cli create --id "$ORDER_ID" --customer "$CUSTOMER" --total 42.50

heading "4. Import 1,000 generated orders (3 of them bad)"
CSV="$WORK_DIR/orders.csv"
{
  echo "order_id,customer_id,total"
  for ((i = 1; i <= 1000; i++)); do
    if ((i % 250 == 0)); then customer="$CUSTOMER"; else customer="customer-$((i % 10))"; fi
    case "$i" in
      500) echo "bulk-$i,$customer,not-a-number" ;;  # rejected locally
      750) echo "bulk-$i,$customer" ;;               # rejected locally: missing field
      900) echo "bulk-$i,$customer,-1" ;;            # rejected by the server
      *) echo "bulk-$i,$customer,$((i % 97 + 1)).99" ;;
    esac
  done
} >"$CSV"
echo "\$ orderstream import $(basename "$CSV")"
cli import "$CSV"

heading "5. Ship, then deliver $ORDER_ID"
cli set-status "$ORDER_ID" SHIPPED
cli set-status "$ORDER_ID" DELIVERED

heading "6. History of $CUSTOMER (newest first)"
cli history "$CUSTOMER"

heading "7. What the watcher was pushed"
if ! wait_for 10 watch_saw DELIVERED; then
  echo "warning: DELIVERED not pushed within 10 s" >&2
fi
# Ctrl-C is how a person stops a watch: the CLI cancels the stream and exits with 130.
stop_process 5 "$WATCH_PID" INT
WATCH_PID=""
cat "$WORK_DIR/watch.out"
echo "(watcher stopped with Ctrl-C; it reported: $(cat "$WORK_DIR/watch.err"))"

heading "8. Stop the server"
stop_process 10 "$SERVER_PID" TERM
SERVER_PID=""
echo "done"
