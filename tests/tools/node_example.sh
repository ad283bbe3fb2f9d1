#!/usr/bin/env bash
# examples/node end to end against a real server: the demo (creates, a bulk import, a history, a
# watch while the order is shipped, GetOrder) checks every answer itself; then the per-RPC
# commands docs/rpc shows are run as a user would copy them.
source "$(dirname "$0")/lib.sh"
example="$ORDERSTREAM_SOURCE_DIR/examples/node"
command -v node >/dev/null || missing_tool node "run scripts/setup.sh"
[ -d "$example/node_modules/@grpc/grpc-js" ] ||
  missing_tool "examples/node/node_modules" "run scripts/setup.sh (it runs scripts/setup_npm.sh)"
start_server
client() { node "$example/client.js" --target "$TARGET" "$@"; }

out=$(client demo) || fail "node demo failed: $out"
echo "$out"
expect_contains "node demo" "$out" "demo: every answer as expected"

created=$(client create --customer node-docs --total 12.5)
expect_contains "node create" "$created" '"status":"CREATED"'
id=$(node -e 'console.log(JSON.parse(process.argv[1]).order_id)' "$created")
expect_contains "node set-status" "$(client set-status "$id" shipped)" '"status":"SHIPPED"'
expect_contains "node get" "$(client get "$id")" '"customer_id":"node-docs"'
printf '{"order_id":"N-1","customer_id":"node-docs","total":3}\n' >"$TEST_DIR/orders.jsonl"
expect_contains "node import" "$(client import "$TEST_DIR/orders.jsonl")" '"success_count":1'
[ "$(client history node-docs | wc -l)" -eq 3 ] || fail "node history: expected 3 events"
if client get missing-order 2>"$TEST_DIR/err"; then fail "node get of a missing order exited 0"; fi
expect_contains "node get missing" "$(cat "$TEST_DIR/err")" "error: NOT_FOUND: Order missing-order not found"
echo "node example: demo and per-RPC commands as expected"
