#!/usr/bin/env bash
# `buf lint` on proto/ with the committed buf.yaml: the contract follows buf's STANDARD rules,
# except where the seed fixed the names (buf.yaml says which and why).
source "$(dirname "$0")/lib.sh"
require_buf
cd "$ORDERSTREAM_SOURCE_DIR"
"$BUF" lint || fail "buf lint found the problems above"
echo "buf lint: proto/ is clean"
