#!/usr/bin/env bash
# Stops the throwaway Postgres that start-test-postgres.sh started (same PG_TEST_DIR), if running.
set -euo pipefail
DIR="${PG_TEST_DIR:-/tmp/dailypapers-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] && [ -d "$DIR/data" ] || exit 0
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
if run "$BIN/pg_ctl -D $DIR/data status" >/dev/null 2>&1; then
  run "$BIN/pg_ctl -D $DIR/data -m fast -w stop" >/dev/null
  echo "Stopped the test Postgres in $DIR"
fi
