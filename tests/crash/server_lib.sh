# shellcheck shell=bash
# Helpers shared by the tests that start and stop `stio serve` (crash_test.sh,
# search_restart_test.sh); sourced, not run. The test sets, before sourcing:
#   TEST_NAME          prefix of its messages
#   STIO, HOST, DB, STARTUP_TIMEOUT_S
#   WORK               its temporary directory (may be set after sourcing; the server log is
#                      $WORK/server.log)
#   SERVER_ARGS        (optional array) extra `stio serve` options for every start
#   SERVER_LOG_APPEND  (optional) 1: each start appends to the log; else each start's log is its
#                      own (truncated)
# and gets fail, log, require, port_in_use, pick_port and start_server (which sets SERVER_PID, PORT,
# BASE).

fail() {
  echo "$TEST_NAME: FAIL: $*" >&2
  if [ -n "${WORK:-}" ] && [ -f "$WORK/server.log" ]; then
    echo "---- last lines of the server log ----" >&2
    tail -n 30 "$WORK/server.log" >&2
  fi
  exit 1
}
log() { echo "$TEST_NAME: $*"; }

# Checks the test's argument (the stio binary) and that the tools it names are installed.
require() {
  [ -n "$STIO" ] || { echo "usage: $0 path/to/stio" >&2; exit 2; }
  [ -x "$STIO" ] || fail "stio binary '$STIO' is not executable"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || fail "'$tool' is required"
  done
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

pick_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then echo "$port"; return 0; fi
    tries=$((tries + 1))
  done
  return 1
}

# Starts the server on a free port with SERVER_ARGS and "$@"; sets SERVER_PID, PORT and BASE.
# Retries if the port was taken between the check and the bind.
# shellcheck disable=SC2120  # callers pass options or none
start_server() {
  local attempt code waited
  for attempt in 1 2 3 4 5; do
    PORT=$(pick_port) || fail "no free loopback port found"
    BASE="http://$HOST:$PORT"
    if [ "${SERVER_LOG_APPEND:-0}" = 1 ]; then
      "$STIO" serve --listen "$HOST:$PORT" --db "$DB" ${SERVER_ARGS[@]+"${SERVER_ARGS[@]}"} "$@" \
        >>"$WORK/server.log" 2>&1 &
    else
      "$STIO" serve --listen "$HOST:$PORT" --db "$DB" ${SERVER_ARGS[@]+"${SERVER_ARGS[@]}"} "$@" \
        >"$WORK/server.log" 2>&1 &
    fi
    SERVER_PID=$!
    waited=0
    while [ $waited -lt $((STARTUP_TIMEOUT_S * 10)) ]; do
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
      # Any HTTP answer means it is serving; healthz is the cheapest route.
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true)
      if [ -n "$code" ] && [ "$code" != 000 ]; then return 0; fi
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      fail "server did not answer on $BASE within ${STARTUP_TIMEOUT_S}s"
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
    log "server exited during startup (attempt $attempt); retrying on another port"
  done
  fail "server would not start (see log)"
}
