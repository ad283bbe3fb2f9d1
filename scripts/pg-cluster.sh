#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a directory, for trying orderstream on PostgreSQL and for the
# tests. Listens on 127.0.0.1 only, on a free port, with trust authentication: never expose it.
#
#   scripts/pg-cluster.sh start DIR [--no-fsync]  initdb DIR on first use, start it, print its URL
#   scripts/pg-cluster.sh stop DIR                stop it (data kept; `start DIR` again reuses it
#                                                 on the same port)
#   scripts/pg-cluster.sh destroy DIR             stop it and delete DIR
#   scripts/pg-cluster.sh url DIR                 print the URL of a started cluster
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (which
# Debian's postgresql-15 package creates). When that user cannot reach DIR (a parent private to
# root, as `mktemp -d` makes), its data and log go to a directory of its own under /tmp, named
# in DIR/owner-dir and deleted by `destroy`.
# --no-fsync trades durability for speed (tests only; benchmarks must not use it).
set -euo pipefail

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
shift 2
no_fsync=0
for arg in "$@"; do
  case "$arg" in
    --no-fsync) no_fsync=1 ;;
    *) usage ;;
  esac
done

bindir=""
for candidate in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/15/bin \
  /usr/lib/postgresql/*/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ]; then
    bindir=$candidate
    break
  fi
done
if [ -z "$bindir" ]; then
  echo "pg-cluster: PostgreSQL server binaries not found; run scripts/setup.sh (postgresql-15)" >&2
  exit 1
fi

owner_dir=$dir  # where the cluster's owner writes: its data and its log
[ -f "$dir/owner-dir" ] && owner_dir=$(cat "$dir/owner-dir")
data="$owner_dir/data"
# Runs a PostgreSQL program as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url_of() {
  echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
}

running() {
  [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# A port nobody listens on now, below the kernel's range for ephemeral ports, so that no
# program binding port 0 or connecting out gets it while a stopped cluster waits to restart on
# it. Another program may still take it before the server binds, so start() retries with
# another port when the bind fails.
pick_port() {
  local port low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  [ "$low" -gt 11024 ] || low=32768
  for _ in $(seq 1 50); do
    port=$((low - 10000 + RANDOM % 10000))
    if ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"
      return
    fi
  done
  echo "pg-cluster: no free port found" >&2
  exit 1
}

start() {
  if running; then
    url_of
    return
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        owner_dir=$(mktemp -d /tmp/orderstream-pg.XXXXXX)
        chown postgres: "$owner_dir"
        echo "$owner_dir" >"$dir/owner-dir"
        data="$owner_dir/data"
      fi
    fi
    # C locale: ids compare and sort bytewise, and no locale data is needed.
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
      --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = ''"
      echo "max_connections = 200"
      echo "shared_buffers = 128MB"
      if [ "$no_fsync" -eq 1 ]; then
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } >>"$data/postgresql.conf"
  fi
  # A restarted cluster keeps its port, so that URLs handed out earlier (a running server's
  # --db) reach it again.
  local attempts=1
  [ -f "$dir/port" ] || attempts=5
  for _ in $(seq 1 "$attempts"); do
    [ -f "$dir/port" ] || pick_port >"$dir/port"
    if as_owner "$bindir/pg_ctl" -D "$data" -l "$owner_dir/server.log" -w -t 60 \
      -o "-p $(cat "$dir/port")" start >/dev/null; then
      url_of
      return
    fi
    if [ "$attempts" -gt 1 ] && grep -q "could not bind" "$owner_dir/server.log" 2>/dev/null; then
      rm -f "$dir/port"
      continue
    fi
    break
  done
  echo "pg-cluster: cannot start the cluster in $dir; its log:" >&2
  tail -n 20 "$owner_dir/server.log" >&2 || true
  exit 1
}

stop() {
  if running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  destroy)
    stop
    rm -rf "$owner_dir" "$dir"
    ;;
  url)
    running || {
      echo "pg-cluster: no cluster running in $dir" >&2
      exit 1
    }
    url_of
    ;;
  *) usage ;;
esac
