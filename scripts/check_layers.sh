#!/usr/bin/env bash
# The dependency arrow of docs/DESIGN.md, checked on every #include of src/:
#   domain   includes no gRPC or protobuf, no SQL, and no other layer (common/ only)
#   storage  includes no gRPC or protobuf, and neither transport nor events
#   events   includes no transport, no storage, no SQL and no gRPC
#   common   includes no layer of the project, no gRPC and no SQL
# Prints each offending line with the rule it breaks and exits 1; exits 0 when all is well.
# Usage: scripts/check_layers.sh   (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."

grpc='<grpc(pp)?/|<google/protobuf/|\.pb\.h[">]'
sql='<sqlite3\.h>|<libpq|<pqxx/|"storage/'

failures=0
# check LAYER FORBIDDEN_REGEX REASON
check() {
  local layer=$1 forbidden=$2 reason=$3 hits
  hits=$(git grep -nE '^[[:space:]]*#[[:space:]]*include' -- "src/$layer" |
    grep -E "$forbidden" || true)
  if [[ -n $hits ]]; then
    while IFS= read -r hit; do
      echo "layering: $hit" >&2
      echo "  src/$layer must not include $reason (docs/DESIGN.md, \"Parts and the dependency arrow\")" >&2
    done <<<"$hits"
    failures=$((failures + 1))
  fi
}

check domain "$grpc" "gRPC or protobuf"
check domain "$sql" "SQL or storage"
check domain '"(transport|events|cli|server|storage)/' "another layer (only domain/ and common/)"
check storage "$grpc" "gRPC or protobuf"
check storage '"(transport|events|cli|server)/' "transport, events, cli or server"
check events "$grpc" "gRPC or protobuf"
check events '"(transport|storage|cli|server)/|<sqlite3\.h>' "transport, storage or SQL"
check common "$grpc" "gRPC or protobuf"
check common '"(domain|storage|events|transport|cli|server)/|<sqlite3\.h>' "a layer of the project or SQL"

if ((failures > 0)); then
  echo "layering: $failures rule(s) broken; move the code to the layer that may depend on it, or invert the dependency through a port in src/domain" >&2
  exit 1
fi
echo "layering: ok"
