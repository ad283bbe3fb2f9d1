#!/usr/bin/env bash
# docs/OPERATIONS.md's flag table names exactly the flags `orderstream-server --help` prints: a
# flag added without a row, or a row left for a flag that is gone, fails here rather than in an
# operator's hands.
source "$(dirname "$0")/lib.sh"

help_flags=$("$ORDERSTREAM_SERVER_BIN" --help | grep -oE '^ +(-[a-z],)?--[a-z0-9-]+' |
  grep -oE -- '--[a-z0-9-]+' | sort -u)
[ -n "$help_flags" ] || fail "orderstream-server --help printed no flag"
# The table's rows start with "| `--flag`" and may name several flags in their first cell.
doc_flags=$(awk '/^## Flags/ { in_flags = 1; next } /^## / { in_flags = 0 }
                 in_flags && /^\| `--/ { split($0, cells, "|"); print cells[2] }' \
  "$ORDERSTREAM_SOURCE_DIR/docs/OPERATIONS.md" | grep -oE -- '--[a-z0-9-]+' | sort -u)
[ -n "$doc_flags" ] || fail "docs/OPERATIONS.md has no flag table under '## Flags'"

undocumented=$(comm -23 <(echo "$help_flags") <(echo "$doc_flags") | tr '\n' ' ')
stale=$(comm -13 <(echo "$help_flags") <(echo "$doc_flags") | tr '\n' ' ')
[ -z "$undocumented" ] || fail "flags missing from docs/OPERATIONS.md's table: $undocumented"
[ -z "$stale" ] || fail "docs/OPERATIONS.md's table names flags the server does not have: $stale"
echo "flags: the $(echo "$help_flags" | wc -l) flags of --help are each in docs/OPERATIONS.md"
