#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, starts a throwaway
# Postgres on loopback, and runs the whole suite on PGlite and on that server.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} from Debian…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need Debian's ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund

# The throwaway Postgres is stopped when the run ends, passed or failed (or interrupted),
# unless KEEP_TEST_POSTGRES=1 asks to keep it for another run or for a look at its log.
stop_postgres() {
  if [ "${KEEP_TEST_POSTGRES:-0}" = 1 ]; then
    echo "Keeping the test Postgres running (KEEP_TEST_POSTGRES=1): scripts/stop-test-postgres.sh stops it"
  else
    scripts/stop-test-postgres.sh
  fi
}
trap stop_postgres EXIT
TEST_DATABASE_URL="$(scripts/start-test-postgres.sh)"
export TEST_DATABASE_URL
echo "Postgres for tests: $TEST_DATABASE_URL"
npm test
