#!/usr/bin/env bash
# Crash test: acknowledged writes must survive kill -9.
#
#   tests/crash/crash_test.sh path/to/stio
#
# For each round: start `stio serve` on a loopback port, stream POST /api/v1/organizations from a
# few concurrent curl writers, recording the id of every 201 the server acknowledged, kill -9 the
# server at a random moment mid-stream, restart it on the same database, and check that every id
# acknowledged so far answers GET /api/v1/organizations/{id} with 200, and that the search (its
# index loaded from the copy saved beside the database, then caught up from the audit log) finds
# the last one by its name. At the end the server is
# stopped with SIGTERM (it must exit 0) and `PRAGMA integrity_check` must print `ok`.
#
# Environment: CRASH_ROUNDS (default 3), CRASH_WRITERS (default 3), CRASH_KEEP=1 keeps the
# temporary directory for inspection.
set -u -o pipefail

STIO=${1:-}
ROUNDS=${CRASH_ROUNDS:-3}
WRITERS=${CRASH_WRITERS:-3}
MAX_WRITES_PER_WRITER=5000    # bounds each writer even if the kill never comes
STARTUP_TIMEOUT_S=30
HOST=127.0.0.1                # loopback only
EMAIL=crash-admin@example.test
PASSWORD=crash-test-password-123

TEST_NAME=crash_test
SERVER_LOG_APPEND=1   # one log for every round
# shellcheck source=tests/crash/server_lib.sh
source "$(dirname "$0")/server_lib.sh"

require curl sqlite3 timeout

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stio-crash.XXXXXX") || fail "mktemp failed"
DB="$WORK/stio.db"
ACKED="$WORK/acked.txt"
: >"$ACKED"
SERVER_PID=""
WRITER_PIDS=()

# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local pid
  for pid in "${WRITER_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  if [ -n "$SERVER_PID" ]; then kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ "${CRASH_KEEP:-0}" = 1 ]; then
    echo "crash_test: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# Reads one JSON object per line on stdin and prints each one's top-level "id" (an empty line
# where there is none). One python3 process for all lines: starting one per write would throttle
# the writers. Without python3, a grep that takes the first "id" in the line.
json_ids() {
  if command -v python3 >/dev/null; then
    python3 -c '
import json, sys
for line in sys.stdin:
    try:
        v = json.loads(line).get("id")
    except Exception:
        v = None
    print("" if v is None else v)'
  else
    while IFS= read -r line; do
      printf '%s\n' "$line" | grep -o '"id"[[:space:]]*:[[:space:]]*\("[^"]*"\|[0-9][0-9]*\)' |
        head -n 1 | sed 's/.*:[[:space:]]*//; s/"//g'
    done
  fi
}

# Streams writes until the server stops answering. Appends the body of every 201 (one line each)
# to $WORK/acked_bodies.W; ids are extracted after the round.
writer() {
  local w=$1 round=$2 i=0 code body="$WORK/body.$1"
  while [ $i -lt $MAX_WRITES_PER_WRITER ]; do
    i=$((i + 1))
    code=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 -X POST \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      --data "{\"kind\":\"enterprise\",\"name\":\"Crash test org $round-$w-$i\"}" \
      "$BASE/api/v1/organizations" || true)
    case "$code" in
      201) { tr -d '\n' <"$body"; echo; } >>"$WORK/acked_bodies.$w" ;;
      000 | "") return ;;                # connection refused or cut: the server is gone
      503 | 429) sleep 0.1 ;;            # busy: legitimate under load, try again
      *)
        echo "writer $w: unexpected HTTP $code: $(head -c 300 "$body")" >>"$WORK/writer_errors"
        return
        ;;
    esac
  done
}

# Moves the ids of this round's acknowledged writes into $ACKED.
collect_acked() {
  local f id
  for f in "$WORK"/acked_bodies.*; do
    [ -e "$f" ] || continue
    while IFS= read -r id; do
      [ -n "$id" ] || fail "a 201 response without an id (bodies in $f)"
      echo "$id" >>"$ACKED"
    done < <(json_ids <"$f")
    rm -f "$f"
  done
}

verify_acked() {
  local id code checked=0 body="$WORK/verify.body"
  while read -r id; do
    code=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 \
      -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/organizations/$id" || true)
    [ "$code" = 200 ] ||
      fail "acknowledged organization $id is lost after kill -9 (GET answered $code: $(head -c 200 "$body"))"
    checked=$((checked + 1))
  done <"$ACKED"
  log "all $checked acknowledged writes are present"
}

# The search index (loaded from its saved copy, or rebuilt, then caught up from the audit log) must
# find the last acknowledged organization by its name after the restart.
verify_search() {
  local id name body
  id=$(tail -n 1 "$ACKED")
  [ -n "$id" ] || return 0
  name=$(curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/organizations/$id" |
    grep -o '"name"[[:space:]]*:[[:space:]]*"[^"]*"' | head -n 1 | sed 's/.*:[[:space:]]*"//; s/"$//')
  [ -n "$name" ] || fail "could not read the name of organization $id"
  body=$(curl -s --max-time 30 -G -H "Authorization: Bearer $TOKEN" --data-urlencode "q=$name" \
    --data-urlencode type=organization --data-urlencode limit=100 "$BASE/api/v1/search")
  printf '%s' "$body" | grep -q "\"id\":${id}[,}]" ||
    fail "after kill -9 the search for '$name' does not find organization $id: $(printf '%s' "$body" | head -c 300)"
  log "the search finds the last acknowledged organization ($name)"
}

# ---- set-up: an admin and an API token, before the first serve ----
echo "$PASSWORD" | timeout 60 "$STIO" user add --db "$DB" --email "$EMAIL" --role admin \
  >"$WORK/user_add.log" 2>&1 || fail "stio user add failed: $(cat "$WORK/user_add.log")"
timeout 60 "$STIO" token create --db "$DB" --email "$EMAIL" >"$WORK/token.out" 2>"$WORK/token.err" ||
  fail "stio token create failed: $(cat "$WORK/token.err")"
# Accept JSON ({"token": "..."}), or text: the first long token-like word (so that a note printed
# after the token does not matter), else the last word.
if grep -q '"token"' "$WORK/token.out"; then
  TOKEN=$(grep -o '"token"[[:space:]]*:[[:space:]]*"[^"]*"' "$WORK/token.out" | head -n 1 |
    sed 's/.*:[[:space:]]*"//; s/"$//')
else
  TOKEN=$(tr -s ' \t"' '\n' <"$WORK/token.out" | grep -E '^[A-Za-z0-9_.~+/=-]{20,}$' | head -n 1)
  [ -n "$TOKEN" ] ||
    TOKEN=$(grep -v '^[[:space:]]*$' "$WORK/token.out" | tail -n 1 | awk '{print $NF}')
fi
[ -n "$TOKEN" ] || fail "could not read a token from: $(cat "$WORK/token.out")"

# ---- rounds of write, kill -9, restart, verify ----
for round in $(seq 1 "$ROUNDS"); do
  start_server
  log "round $round: server pid $SERVER_PID on $BASE"
  before=$(wc -l <"$ACKED")
  WRITER_PIDS=()
  for w in $(seq 1 "$WRITERS"); do
    writer "$w" "$round" &
    WRITER_PIDS+=($!)
  done
  # Let some writes through, then kill at a random moment (0.5 s to 3 s).
  sleep "$((RANDOM % 3)).$((RANDOM % 10))"
  sleep 0.5
  kill -9 "$SERVER_PID" 2>/dev/null || fail "server died before the kill (see log)"
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
  for pid in "${WRITER_PIDS[@]}"; do wait "$pid"; done  # each curl is bounded by --max-time
  WRITER_PIDS=()
  [ ! -s "$WORK/writer_errors" ] || fail "$(cat "$WORK/writer_errors")"
  collect_acked
  after=$(wc -l <"$ACKED")
  log "round $round: $((after - before)) writes acknowledged before kill -9"

  start_server
  verify_acked
  verify_search
  if [ "$round" -lt "$ROUNDS" ]; then
    kill -9 "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
  fi
done

[ "$(wc -l <"$ACKED")" -gt 0 ] ||
  fail "no write was ever acknowledged, so nothing was tested (check the token and the API)"
dupes=$(sort "$ACKED" | uniq -d | head -n 3)
[ -z "$dupes" ] || fail "the same id was acknowledged twice: $dupes"

# ---- graceful stop, then the database must be intact ----
kill -TERM "$SERVER_PID"
status=""
for _ in $(seq 1 300); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID"
    status=$?
    break
  fi
  sleep 0.1
done
[ -n "$status" ] || fail "server did not exit within 30 s of SIGTERM"
SERVER_PID=""
[ "$status" = 0 ] || fail "server exited with status $status after SIGTERM (expected 0)"

integrity=$(timeout 120 sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
[ "$integrity" = ok ] || fail "PRAGMA integrity_check: $integrity"

log "PASS: $(wc -l <"$ACKED") acknowledged writes survived $ROUNDS kill -9 rounds; integrity ok"
exit 0
