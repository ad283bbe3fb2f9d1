#!/usr/bin/env bash
# examples/python end to end against a real server; the demo checks every answer itself. Debian's
# interpreter is named explicitly: python3-grpcio is installed for it, not for another python3
# that may come first on PATH.
source "$(dirname "$0")/lib.sh"
python=${ORDERSTREAM_PYTHON:-/usr/bin/python3}
[ -x "$python" ] || missing_tool "$python" "run scripts/setup.sh"
"$python" -c 'import grpc, google.protobuf' 2>/dev/null ||
  missing_tool "python3-grpcio or python3-protobuf" "run scripts/setup.sh"
command -v protoc >/dev/null || missing_tool protoc "run scripts/setup.sh"
start_server
out=$("$python" "$ORDERSTREAM_SOURCE_DIR/examples/python/orders_demo.py" --target "$TARGET") ||
  fail "python demo failed: $out"
echo "$out"
expect_contains "python demo" "$out" "demo: every answer as expected"
