#!/usr/bin/env bash
# The registry search index kept on disk across restarts (domain/registry_search.h):
#
#   tests/crash/search_restart_test.sh path/to/stio
#
# 1. A first start builds the index and saves it beside the database (<db>.search/).
# 2. Records written through the API, then SIGTERM: the server saves again at shutdown and exits 0.
# 3. While it is down, the CLI imports a record on the same database.
# 4. The second start LOADS the saved index (its log says "loaded the saved search index") and the
#    search finds the records written before the stop and the one the CLI wrote meanwhile.
# 5. A write acknowledged just before a kill -9 (no save since): after the restart the index is
#    loaded and caught up from the audit log, and the search finds it.
# 6. A truncated index file: the next start rebuilds from the database (logged), finds everything.
# 7. An index saved from another database (a restored older backup) is rebuilt, not used.
# 8. --search-index none: nothing is written to disk.
# Environment: SEARCH_KEEP=1 keeps the temporary directory.
set -u -o pipefail

STIO=${1:-}
HOST=127.0.0.1
STARTUP_TIMEOUT_S=60
EMAIL=search-admin@example.test
PASSWORD=search-test-password-123

TEST_NAME=search_restart_test
SERVER_ARGS=(--no-warm --quiet)
# shellcheck source=tests/crash/server_lib.sh
source "$(dirname "$0")/server_lib.sh"

require curl jq timeout

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stio-search-restart.XXXXXX") || fail "mktemp failed"
DB="$WORK/stio.db"
INDEX="$DB.search"
SERVER_PID=""

# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ "${SEARCH_KEEP:-0}" = 1 ]; then echo "search_restart_test: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

stop_server() {  # SIGTERM; the server must exit 0 within 60 s
  local status="" _
  kill -TERM "$SERVER_PID"
  for _ in $(seq 1 600); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID"
      status=$?
      break
    fi
    sleep 0.1
  done
  [ -n "$status" ] || fail "server did not exit within 60 s of SIGTERM"
  SERVER_PID=""
  [ "$status" = 0 ] || fail "server exited with status $status after SIGTERM"
}

kill9_server() {
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

# Waits (up to 30 s) until the server log has a line matching $1.
wait_log() {
  local _
  for _ in $(seq 1 300); do
    grep -q -- "$1" "$WORK/server.log" && return 0
    sleep 0.1
  done
  fail "the server log never said '$1'"
}

expect_log() { grep -q -- "$2" "$WORK/server.log" || fail "$1: the server log does not say '$2'"; }

create_org() {  # name → id
  local body
  body=$(curl -s --max-time 10 -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    --data "$(jq -cn --arg n "$1" '{kind: "enterprise", name: $n, province_code: "01"}')" \
    "$BASE/api/v1/organizations") || fail "POST organization '$1' failed"
  echo "$body" | jq -e '.id' >/dev/null || fail "POST organization '$1': $body"
  echo "$body" | jq -r '.id'
}

# create_org runs in $(...), where fail only ends the subshell: check what it printed.
check_id() { [[ "$2" =~ ^[0-9]+$ ]] || fail "creating $1 failed (got '$2')"; }

# Fails unless the search for $2 lists organization $3.
expect_found() {
  local body
  body=$(curl -s --max-time 10 -G -H "Authorization: Bearer $TOKEN" \
    --data-urlencode "q=$2" --data-urlencode "type=organization" "$BASE/api/v1/search") ||
    fail "$1: search failed"
  echo "$body" | jq -e --argjson id "$3" '[.items[].id] | index($id) != null' >/dev/null ||
    fail "$1: the search for '$2' does not find organization $3: $(echo "$body" | head -c 400)"
}

# ---- set-up: an admin and an API token ----
echo "$PASSWORD" | timeout 60 "$STIO" user add --db "$DB" --email "$EMAIL" --role admin \
  >"$WORK/user_add.log" 2>&1 || fail "stio user add failed: $(cat "$WORK/user_add.log")"
TOKEN=$(timeout 60 "$STIO" token create --db "$DB" --email "$EMAIL" 2>"$WORK/token.err" | tail -n 1)
[[ "$TOKEN" == stio_* ]] || fail "stio token create printed '$TOKEN': $(cat "$WORK/token.err")"

# 1-2. first start: built and saved; writes; SIGTERM saves again.
start_server --search-save-interval 3600
expect_log "first start" "built the search index from the database"
wait_log "saved the search index to $INDEX"
[ -f "$INDEX/CURRENT" ] || fail "no $INDEX/CURRENT after the first start"
SONG_DA=$(create_org "Công ty Cơ khí Sông Đà")
check_id SONG_DA "$SONG_DA"
CHE=$(create_org "Hợp tác xã Chè Tân Cương")
check_id CHE "$CHE"
expect_found "before the stop" "Sông Đà" "$SONG_DA"
stop_server
expect_log "SIGTERM" "saved the search index at shutdown"
log "first start built and saved the index; SIGTERM saved it again"

# 3. the CLI writes while the server is down.
printf 'kind,name,province_code\nresearch_institute,Viện Nghiên cứu Rau quả Gia Lâm,01\n' >"$WORK/orgs.csv"
timeout 60 "$STIO" import --db "$DB" --entity organizations --file "$WORK/orgs.csv" \
  >"$WORK/import.out" 2>&1 || fail "stio import failed: $(cat "$WORK/import.out")"
CLI_ORG=$(timeout 60 "$STIO" export --db "$DB" --entity organizations --format json |
  jq '[.[] | select(.name == "Viện Nghiên cứu Rau quả Gia Lâm") | .id][0]')
[[ "$CLI_ORG" =~ ^[0-9]+$ ]] || fail "the imported organization has no id ('$CLI_ORG')"

# 4. second start: loaded, caught up.
start_server --search-save-interval 3600
expect_log "second start" "loaded the saved search index"
expect_found "after restart, written before the stop" "Sông Đà" "$SONG_DA"
expect_found "after restart, written before the stop" "chè tân cương" "$CHE"
expect_found "after restart, written by the CLI while down" "Rau quả Gia Lâm" "$CLI_ORG"
log "second start loaded the saved index and caught up with the CLI's write"

# 5. acknowledged, then kill -9 before any save: the audit log brings it back.
wait_log "saved the search index to"  # the catch-up at start made the index worth saving
CRASHED=$(create_org "Trung tâm Ứng dụng Tiến bộ Khoa học Hà Giang")
check_id CRASHED "$CRASHED"
kill9_server
start_server --search-save-interval 3600
expect_log "after kill -9" "loaded the saved search index"
expect_found "after kill -9" "Tiến bộ Khoa học Hà Giang" "$CRASHED"
expect_found "after kill -9" "Sông Đà" "$SONG_DA"
log "a write acknowledged just before kill -9 is found after the restart"
stop_server

# 6. a truncated index file: rebuilt, nothing lost.
GEN=$(jq -r .index_dir "$INDEX/CURRENT")
SIZE=$(stat -c %s "$INDEX/$GEN/index.stio")
truncate -s $((SIZE / 2)) "$INDEX/$GEN/index.stio"
start_server
expect_log "truncated index" "built the search index from the database"
for pair in "Sông Đà:$SONG_DA" "Rau quả Gia Lâm:$CLI_ORG" "Hà Giang:$CRASHED"; do
  expect_found "after a truncated index" "${pair%%:*}" "${pair##*:}"
done
wait_log "saved the search index to"
stop_server
log "a truncated index file was rebuilt from the database"

# 7. restored from an older backup: the saved index (of the newer database) must not be used.
timeout 60 "$STIO" backup --db "$DB" --out "$WORK/old.db" >/dev/null 2>&1 || fail "stio backup failed"
start_server
NEWER=$(create_org "Công ty Phần mềm Mộc Châu")
check_id NEWER "$NEWER"
stop_server  # saves the index with the newer organization
timeout 60 "$STIO" restore --db "$DB" --from "$WORK/old.db" >"$WORK/restore.out" 2>&1 ||
  fail "stio restore failed: $(cat "$WORK/restore.out")"
start_server
expect_log "restored database" "built the search index from the database"
expect_log "restored database" "no audit entry"
body=$(curl -s -G -H "Authorization: Bearer $TOKEN" --data-urlencode "q=Mộc Châu" \
  "$BASE/api/v1/search")
echo "$body" | jq -e --argjson id "$NEWER" '[.items[] | select(.type == "organization") | .id] | index($id) == null' >/dev/null ||
  fail "the restored database's search finds organization $NEWER, which is not in the backup"
stop_server
log "a database restored from an older backup rebuilt its index"

# 8. --search-index none keeps nothing on disk.
rm -rf "$INDEX"
start_server --search-index none
expect_found "--search-index none" "Sông Đà" "$SONG_DA"
stop_server
[ ! -e "$INDEX" ] || fail "--search-index none wrote $INDEX"
grep -q "search index" "$WORK/server.log" && fail "--search-index none logged: $(grep 'search index' "$WORK/server.log")"

log "PASS"
exit 0
