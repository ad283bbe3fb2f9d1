#!/usr/bin/env bash
# Writes the seed corpus of each fuzz target into fuzz/corpus/<target>/ (committed; rerun after a
# change to proto/order_service.proto). Messages are encoded with protoc from their text form.
set -euo pipefail
cd "$(dirname "$0")"
proto_dir=../proto
encode() {  # encode <message type> <text format>
  printf '%s' "$2" | protoc --proto_path="$proto_dir" --encode="ecommerce.orders.$1" order_service.proto
}

rm -rf corpus && mkdir -p corpus/fuzz_import_reader corpus/fuzz_request_mapping corpus/fuzz_server_request

# fuzz_import_reader: first byte even = CSV, odd = JSON Lines; then the file.
r=corpus/fuzz_import_reader
printf '\x00order_id,customer_id,total\nA-1,alice,12.5\nA-2,bob,3\n' > $r/csv_plain
printf '\x00\xef\xbb\xbftotal,customer_id,order_id\n7.25,carol,C-1\n\n,dave,1e3\nX,,abc\n' > $r/csv_reordered_bom
printf '\x00order_id,customer_id,total\r\nA-1,alice,-1\r\nA-2,caf\xe9,2\r\nA-3,eve,nan\r\n' > $r/csv_bad_rows
printf '\x00customer_id\n' > $r/csv_bad_header
printf '\x01{"order_id":"J-1","customer_id":"alice","total":12.5}\n{"customerId":"bob","total":1}\n' > $r/jsonl_plain
printf '\x01{"order_id":"J-2","customer_id":"x","total":"abc"}\n[1,2]\n{"unknown":1}\n{\n' > $r/jsonl_bad_rows

# fuzz_request_mapping: the message, then one selector byte (FuzzedDataProvider reads it from the
# end): 0 Order, 1 OrderStatusChange, 2 OrderID/UserID, 3 fuzzed domain objects mapped outwards.
m=corpus/fuzz_request_mapping
{ encode Order 'order_id: "ORD-1" customer_id: "alice" total: 12.5'; printf '\x00'; } > $m/order_valid
{ encode Order 'customer_id: "" total: -1'; printf '\x00'; } > $m/order_invalid
{ encode OrderStatusChange 'order_id: "ORD-1" status: "shipped"'; printf '\x01'; } > $m/status_change
{ encode OrderStatusChange 'order_id: "ORD-1" status: "LOST"'; printf '\x01'; } > $m/status_unknown
{ encode OrderID 'id: "ORD-1"'; printf '\x02'; } > $m/order_id
printf 'ORD-1\x05alice\x00\x00\x48\x41\x01\x02\x03\x04\x05\x06\x07\x08\x03' > $m/outgoing

# fuzz_server_request: first byte picks the method (0 CreateOrder, 1 UpdateOrderStatus,
# 2 GetOrderHistory, 3 ProcessBulkOrders, 4 NotifyOrderUpdates); unary methods take the rest as
# the message, streaming ones a sequence of <length byte><message>.
s=corpus/fuzz_server_request
framed() { local message; message=$(mktemp); cat > "$message"; printf "\\x$(printf %02x "$(stat -c %s "$message")")"; cat "$message"; rm -f "$message"; }
{ printf '\x00'; encode Order 'order_id: "F-1" customer_id: "alice" total: 12.5'; } > $s/create
{ printf '\x00'; encode Order 'customer_id: "alice" total: 3'; } > $s/create_assigned_id
{ printf '\x01'; encode OrderStatusChange 'order_id: "F-1" status: "SHIPPED"'; } > $s/update_status
{ printf '\x01'; encode OrderStatusChange 'order_id: "F-404" status: "DELIVERED"'; } > $s/update_missing
{ printf '\x02'; encode UserID 'id: "alice"'; } > $s/history
{ printf '\x03'; encode Order 'order_id: "F-2" customer_id: "bob" total: 1' | framed;
  encode Order 'order_id: "F-3" customer_id: "" total: 1' | framed; } > $s/bulk
{ printf '\x04'; encode OrderID 'id: "F-1"' | framed; encode OrderID 'id: "F-404"' | framed; } > $s/watch
printf '\x03\x05\xff\xff\xff\xff\xff' > $s/bulk_garbage
echo "seed corpus written: $(find corpus -type f | wc -l) files"
