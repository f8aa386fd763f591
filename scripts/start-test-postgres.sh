#!/usr/bin/env bash
# Starts a throwaway Postgres server from Debian's package on loopback and prints its URL.
# The server refuses to run as root, so it runs as the postgres user in a temporary folder.
set -euo pipefail
PORT="${PGPORT_TEST:-54329}"
DIR="${PG_TEST_DIR:-/tmp/dailypapers-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
if [ ! -x "$BIN/initdb" ]; then
  echo "Postgres is not installed (apt-get install postgresql)" >&2
  exit 1
fi
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
if ! run "$BIN/pg_ctl -D $DIR/data status" >/dev/null 2>&1; then
  rm -rf "$DIR"
  install -d -o "$( [ "$(id -u)" = 0 ] && echo postgres || id -un)" "$DIR"
  run "$BIN/initdb -D $DIR/data -U app --auth=trust -E UTF8 --no-sync" >/dev/null
  run "$BIN/pg_ctl -D $DIR/data -o '-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200' -l $DIR/server.log -w start" >/dev/null
fi
echo "postgres://app@127.0.0.1:$PORT/postgres"
