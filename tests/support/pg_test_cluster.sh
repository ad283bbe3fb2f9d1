#!/usr/bin/env bash
# The ctest fixture around the PostgreSQL tests: `start DIR URL_FILE` starts a throwaway cluster
# in DIR (scripts/pg-cluster.sh) and writes its URL to URL_FILE, `stop DIR URL_FILE` destroys it.
# With ORDERSTREAM_TEST_PG_URL set, the tests use that database instead and both do nothing.
set -euo pipefail
command=$1
dir=$2
url_file=$3
cluster="$(dirname "$0")/../../scripts/pg-cluster.sh"

if [ -n "${ORDERSTREAM_TEST_PG_URL:-}" ]; then
  echo "using ORDERSTREAM_TEST_PG_URL; no cluster to $command"
  exit 0
fi
case "$command" in
  start)
    # A cluster left by an interrupted run is replaced: tests start from an empty one.
    bash "$cluster" destroy "$dir"
    rm -f "$url_file"
    bash "$cluster" start "$dir" --no-fsync >"$url_file.partial"
    mv "$url_file.partial" "$url_file"
    echo "PostgreSQL for the tests: $(cat "$url_file")"
    ;;
  stop)
    rm -f "$url_file"
    bash "$cluster" destroy "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR URL_FILE" >&2
    exit 2
    ;;
esac
