#!/usr/bin/env bash
# `buf breaking` of proto/ against the seed proto (../shared/seed beside the repository, where CI
# puts it): any wire- or JSON-incompatible change to what the seed defines fails. Also proves the
# check bites: a copy of proto/ with one seed field renumbered must be refused.
source "$(dirname "$0")/lib.sh"
require_buf
seed_dir="${ORDERSTREAM_SEED_DIR:-$ORDERSTREAM_SOURCE_DIR/../shared/seed}"
[ -f "$seed_dir/order_service.seed.proto" ] ||
  fail "no seed proto at $seed_dir (CI places shared/ beside the clone; set ORDERSTREAM_SEED_DIR)"
cd "$ORDERSTREAM_SOURCE_DIR"
"$BUF" breaking proto --against "$seed_dir" ||
  fail "proto/ is not wire-compatible with the seed (above); extend with new fields and messages only"

# The same check on a copy whose Order.total moved from field 3 to field 9 must fail.
mkdir "$TEST_DIR/changed"
cp -r proto buf.yaml "$TEST_DIR/changed/"
sed -i '0,/float total = 3;/s//float total = 9;/' "$TEST_DIR/changed/proto/order_service.proto"
cd "$TEST_DIR/changed"
if "$BUF" breaking proto --against "$seed_dir" >"$TEST_DIR/out" 2>&1; then
  fail "buf breaking accepted a renumbered seed field"
fi
expect_contains "buf breaking on a renumbered field" "$(cat "$TEST_DIR/out")" 'total'
echo "buf breaking: compatible with the seed, and a renumbered field is caught"
