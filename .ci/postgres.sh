#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the store conformance tests and
# print the line that points the tests at it:
#
#   eval "$(bash .ci/postgres.sh)"      # sets EGDI_TEST_POSTGRES
#   bash .ci/postgres.sh stop DIR       # stops the cluster in DIR
#
# It installs Debian's postgresql package when no server is installed,
# initialises a cluster in a new temporary directory (as the postgres OS
# user when run as root: initdb refuses root), starts it on 127.0.0.1 on
# a free port with its socket in that directory, and creates the database
# egdi_test. Only the export lines go to stdout; progress goes to stderr.
# The cluster trusts local connections: it is for tests on this machine
# only, listens on loopback only, and lives in a temporary directory.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

pgbin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then
    echo "$d"
  fi
}

# as_pg runs a command as the postgres OS user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

if [ "${1:-}" = stop ]; then
  dir=${2:?usage: postgres.sh stop DIR}
  bin=$(pgbin)
  as_pg "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" >&2 || true
  rm -rf "$dir"
  exit 0
fi

bin=$(pgbin)
if [ -z "$bin" ]; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  bin=$(pgbin)
fi
if [ -z "$bin" ]; then
  log "no PostgreSQL server found after installing"
  exit 1
fi

dir=$(mktemp -d /tmp/egdi-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
fi

# A free port: the first from 54329 up that nothing listens on.
port=54329
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  port=$((port + 1))
done

log "initdb in $dir/data ($bin)"
as_pg "'$bin/initdb' -D '$dir/data' -U postgres -A trust -E UTF8 --no-sync" >/dev/null 2>&1 || {
  log "initdb failed"
  exit 1
}
log "starting on 127.0.0.1:$port"
as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c max_connections=100\" start" >/dev/null 2>&1 || {
  log "pg_ctl start failed:"
  cat "$dir/log" >&2 || true
  exit 1
}
as_pg "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres egdi_test" >&2

echo "export EGDI_TEST_POSTGRES='postgres://postgres@127.0.0.1:$port/egdi_test?sslmode=disable'"
echo "export EGDI_TEST_POSTGRES_DIR='$dir'"
