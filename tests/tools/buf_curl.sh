#!/usr/bin/env bash
# buf curl against a real server, with the schema taken from the server's reflection service (no
# proto file given): unary calls (CreateOrder, UpdateOrderStatus, GetOrder), a server stream
# (GetOrderHistory), grpc.health.v1.Health/Check, and an error status.
source "$(dirname "$0")/lib.sh"
require_buf
start_server
bufcurl() {
  "$BUF" curl --http2-prior-knowledge --protocol grpc --timeout 30s "$@"
}
url="http://$TARGET"
# buf curl prints protobuf's JSON: lowerCamelCase names, int64 as strings.
json_field() {
  node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"
}

services=$(bufcurl --list-services "$url")
expect_contains "list-services" "$services" "ecommerce.orders.OrderService"
expect_contains "list-services" "$services" "grpc.health.v1.Health"

created=$(bufcurl -d '{"customer_id": "curl-alice", "total": 12.5}' \
  "$url/ecommerce.orders.OrderService/CreateOrder")
expect_contains "CreateOrder" "$created" '"status": "CREATED"'
id=$(json_field "$created" orderId)
[[ "$id" =~ ^ORD-[0-9a-f]{24}$ ]] || fail "CreateOrder: no server-assigned id in $created"

shipped=$(bufcurl -d "{\"order_id\": \"$id\", \"status\": \"SHIPPED\"}" \
  "$url/ecommerce.orders.OrderService/UpdateOrderStatus")
expect_contains "UpdateOrderStatus" "$shipped" '"status": "SHIPPED"'

order=$(bufcurl -d "{\"id\": \"$id\"}" "$url/ecommerce.orders.OrderService/GetOrder")
[ "$(json_field "$order" customerId)" = curl-alice ] || fail "GetOrder: $order"
[ "$(json_field "$order" total)" = 12.5 ] || fail "GetOrder: $order"
[ "$(json_field "$order" status)" = SHIPPED ] || fail "GetOrder: $order"
[ "$(json_field "$order" sequence)" = "$(json_field "$shipped" sequence)" ] ||
  fail "GetOrder: sequence of $order is not that of $shipped"

history=$(bufcurl -d '{"id": "curl-alice"}' "$url/ecommerce.orders.OrderService/GetOrderHistory")
[ "$(grep -c '"eventType"' <<<"$history")" -eq 2 ] || fail "GetOrderHistory: expected 2 events in $history"
# Newest first: SHIPPED, then CREATED.
[ "$(grep -o '"eventType": "[A-Z]*"' <<<"$history" | tr '\n' ' ')" = \
  '"eventType": "SHIPPED" "eventType": "CREATED" ' ] || fail "GetOrderHistory order: $history"

health=$(bufcurl "$url/grpc.health.v1.Health/Check")
expect_contains "Health/Check" "$health" '"status": "SERVING"'
health=$(bufcurl -d '{"service": "ecommerce.orders.OrderService"}' "$url/grpc.health.v1.Health/Check")
expect_contains "Health/Check of the service" "$health" '"status": "SERVING"'

if bufcurl -d '{"id": "no-such-order"}' "$url/ecommerce.orders.OrderService/GetOrder" \
  >"$TEST_DIR/out" 2>"$TEST_DIR/err"; then
  fail "GetOrder of a missing order succeeded: $(cat "$TEST_DIR/out")"
fi
expect_contains "GetOrder of a missing order" "$(cat "$TEST_DIR/err")" '"code": "not_found"'
expect_contains "GetOrder of a missing order" "$(cat "$TEST_DIR/err")" 'Order no-such-order not found'
echo "buf curl: reflection, unary, server stream, health and errors as expected"
