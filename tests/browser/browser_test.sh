#!/usr/bin/env bash
# Browser tests against the real server: start `stio serve` on a fresh database with an admin,
# run web/tests/browser/run.mjs (playwright-core driving Debian's chromium), stop the server.
#
#   tests/browser/browser_test.sh path/to/stio path/to/repo
set -u -o pipefail

STIO=${1:?usage: browser_test.sh path/to/stio path/to/repo}
REPO=${2:?usage: browser_test.sh path/to/stio path/to/repo}
EMAIL=browser-admin@example.vn
PASSWORD=browser-test-password-1

fail() { echo "browser_test: FAIL: $*" >&2; [ -f "${WORK:-}/server.log" ] && tail -n 30 "$WORK/server.log" >&2; exit 1; }

[ -f "$REPO/web/dist/index.html" ] || fail "the web UI is not built (run \`make build\`)"
[ -d "$REPO/web/node_modules/playwright-core" ] || fail "web packages are not installed (scripts/install-deps.sh)"
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || fail "chromium is not installed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stio-browser.XXXXXX")
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "$PASSWORD" | "$STIO" user add --db "$WORK/stio.db" --email "$EMAIL" --role admin \
  --name "Browser Test" >/dev/null || fail "could not create the admin"

# A free loopback port: let the server pick (port 0) and read it from its first line.
"$STIO" serve --listen 127.0.0.1:0 --db "$WORK/stio.db" --web "$REPO/web/dist" --quiet \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT=$(sed -n 's#^stio: serving http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/server.log" | head -n1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited"
  sleep 0.2
done
[ -n "$PORT" ] || fail "the server did not start"

cd "$REPO/web" || fail "no web folder"
timeout 600 node tests/browser/run.mjs --base-url "http://127.0.0.1:$PORT" --email "$EMAIL" \
  --password "$PASSWORD"
rc=$?
[ $rc -eq 0 ] || fail "browser tests failed (exit $rc)"
