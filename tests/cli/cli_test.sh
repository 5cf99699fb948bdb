#!/usr/bin/env bash
# The stio command line, end to end: help, usage errors, migrate, users and tokens, all-or-nothing
# import, export (and re-import of the export), backup and restore, and a short serve.
#
#   bash tests/cli/cli_test.sh path/to/stio path/to/repository
set -u

STIO=${1:?usage: cli_test.sh STIO_BINARY SOURCE_DIR}
SRC=${2:?usage: cli_test.sh STIO_BINARY SOURCE_DIR}
DATA="$SRC/data"
if [[ ! -x "$STIO" ]]; then
  echo "cli_test: $STIO is not an executable (did the build fail?)" >&2
  exit 1
fi
for tool in sqlite3 jq curl; do
  command -v "$tool" >/dev/null || { echo "cli_test: needs $tool" >&2; exit 1; }
done
T=$(mktemp -d /tmp/stio-cli-test.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT

FAILS=0
CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }

# run NAME EXPECTED_EXIT CMD...: runs CMD with stdout/stderr in $T/out and $T/err.
run() {
  local name=$1 want=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err" </dev/null
  local got=$?
  if [[ "$got" != "$want" ]]; then
    fail "$name: exit $got, expected $want"
    sed 's/^/    stderr: /' "$T/err" | head -5 >&2
  else
    pass
  fi
}
# run_in NAME EXPECTED_EXIT STDIN CMD...: the same with STDIN as standard input.
run_in() {
  local name=$1 want=$2 input=$3
  shift 3
  printf '%s' "$input" | "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [[ "$got" != "$want" ]]; then
    fail "$name: exit $got, expected $want"
    sed 's/^/    stderr: /' "$T/err" | head -5 >&2
  else
    pass
  fi
}
expect_in() {  # expect_in NAME FILE PATTERN: FILE contains the fixed string PATTERN
  if grep -qF -- "$3" "$2"; then pass; else
    fail "$1: '$3' not in $(basename "$2"): $(head -c 300 "$2")"
  fi
}
expect_eq() {  # expect_eq NAME GOT WANT
  if [[ "$2" == "$3" ]]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}
count() { sqlite3 "$1" "$2" 2>&1; }

# --- Help and usage errors ------------------------------------------------------------------
run "stio --help" 0 "$STIO" --help
expect_in "stio --help" "$T/out" "Commands:"
run "stio help" 0 "$STIO" help
run "stio version" 0 "$STIO" version
expect_in "stio version" "$T/out" "stio "
# Every command listed by `stio --help` (so that a new one is covered too), and some by hand.
"$STIO" --help >"$T/help"
mapfile -t COMMANDS < <(sed -n '/^Commands:/,/^$/p' "$T/help" | sed -n 's/^  \([a-z]\+\( [a-z]\+\)\?\)  .*/\1/p')
[[ ${#COMMANDS[@]} -ge 12 ]] && pass || fail "could not read the commands from stio --help: ${COMMANDS[*]}"
for cmd in "${COMMANDS[@]}" serve migrate "user add" "token create" import export "org list"; do
  # shellcheck disable=SC2086
  run "stio $cmd --help" 0 "$STIO" $cmd --help
  if [[ ! -s "$T/out" ]]; then fail "stio $cmd --help printed nothing"; fi
done
run "no command" 2 "$STIO"
expect_in "no command" "$T/err" "Usage: stio COMMAND"
run "unknown command" 2 "$STIO" frobnicate
expect_in "unknown command" "$T/err" "unknown command 'frobnicate'"
run "unknown option" 2 "$STIO" migrate --db "$T/x.db" --frobnicate 1
expect_in "unknown option" "$T/err" "frobnicate"
run "user without subcommand" 2 "$STIO" user
expect_in "user without subcommand" "$T/err" "user add|list"
run "unknown subcommand" 2 "$STIO" token delete --db "$T/x.db"
run "stray argument" 2 "$STIO" migrate extra --db "$T/x.db"
[[ -e "$T/x.db" ]] && fail "a usage error created a database"

# Missing options and databases.
# A missing --db is a usage error like any other missing option: exit 2.
for args in "migrate" "user list" "token create --email a@b.vn" "export --entity people"; do
  cmd=${args% --*}
  # shellcheck disable=SC2086
  "$STIO" $args --data "$DATA" >"$T/out" 2>"$T/err" </dev/null
  code=$?
  if [[ $code == 2 ]]; then pass; else fail "$cmd without --db exited $code, expected 2"; fi
  expect_in "$cmd without --db" "$T/err" "--db"
done
run "backup without --out" 2 "$STIO" backup --db "$T/none.db"
expect_in "backup without --out" "$T/err" "--out"
run "backup of a missing database" 1 "$STIO" backup --db "$T/none.db" --out "$T/none.bak"
expect_in "backup of a missing database" "$T/err" "no database"
run "token create on a missing database" 1 "$STIO" token create --db "$T/none.db" --email a@b.vn --data "$DATA"
expect_in "token create on a missing database" "$T/err" "no database"
run "export from a missing database" 1 "$STIO" export --db "$T/none.db" --entity people --data "$DATA"
[[ -e "$T/none.db" ]] && fail "a command on a missing database created it"
run "restore from a missing file" 1 "$STIO" restore --db "$T/none.db" --from "$T/none.bak"
run "import without --file" 2 "$STIO" import --db "$T/none.db" --entity organizations
run "import of a bad entity" 2 "$STIO" import --db "$T/none.db" --entity users --file /dev/null
run "export of a bad format" 2 "$STIO" export --db "$T/none.db" --entity people --format xml

# --- Migrate --------------------------------------------------------------------------------
DB="$T/var/stio.db"
run "migrate" 0 "$STIO" migrate --db "$DB" --data "$DATA"
expect_in "migrate" "$T/out" "schema version"
expect_eq "2025 provinces" "$(count "$DB" "SELECT COUNT(*) FROM admin_units WHERE era='2025' AND level='province'")" 34
run "migrate again" 0 "$STIO" migrate --db "$DB" --data "$DATA"

# --- Users and tokens -----------------------------------------------------------------------
run_in "user add admin" 0 $'mat-khau-du-dai-1\n' "$STIO" user add --db "$DB" --data "$DATA" \
  --email Admin@Example.VN --role admin --name "Quản trị"
expect_in "user add admin" "$T/out" "admin@example.vn"
run_in "user add with a short password" 1 $'ngan\n' "$STIO" user add --db "$DB" --data "$DATA" \
  --email staff@example.vn --role staff
expect_in "user add with a short password" "$T/err" "password"
run_in "user add without a password" 2 "" "$STIO" user add --db "$DB" --data "$DATA" \
  --email staff@example.vn --role staff
run_in "user add with a bad role" 1 $'mat-khau-du-dai-1\n' "$STIO" user add --db "$DB" \
  --data "$DATA" --email staff@example.vn --role boss
run_in "user add member without organization" 1 $'mat-khau-du-dai-1\n' "$STIO" user add \
  --db "$DB" --data "$DATA" --email m@example.vn --role member
run_in "user add twice" 1 $'mat-khau-du-dai-1\n' "$STIO" user add --db "$DB" --data "$DATA" \
  --email admin@example.vn --role admin
run_in "user add staff (CRLF)" 0 $'mat-khau-du-dai-2\r\n' "$STIO" user add --db "$DB" \
  --data "$DATA" --email staff@example.vn --role staff
expect_eq "users" "$(count "$DB" "SELECT COUNT(*) FROM users")" 2
if sqlite3 "$DB" "SELECT password_hash FROM users" | grep -q "mat-khau"; then
  fail "a password is stored in clear"
fi
run "user list" 0 "$STIO" user list --db "$DB" --data "$DATA"
expect_in "user list" "$T/out" "staff@example.vn"

run "token create" 0 "$STIO" token create --db "$DB" --data "$DATA" --email admin@example.vn --name ci
TOKEN=$(tr -d '\n' <"$T/out")
[[ "$TOKEN" == stio_* ]] || fail "token create printed '$TOKEN'"
run "token for nobody" 1 "$STIO" token create --db "$DB" --data "$DATA" --email nobody@example.vn

# --- Import: all or nothing -----------------------------------------------------------------
printf 'kind,name,tax_code,province_code\r\nenterprise,Công ty Một,,01\r\nenterprise,Công ty Hai,0100109107,01\r\nuniversity,"Trường Ba, Cơ sở 2",,38\r\nbakery,Tiệm Bốn,,01\r\nstartup,Công ty Năm,,\r\n' >"$T/bad.csv"
run "import of a bad CSV" 1 "$STIO" import --db "$DB" --data "$DATA" --entity organizations --file "$T/bad.csv"
expect_in "import of a bad CSV" "$T/err" "bad.csv:3: tax_code:"
expect_in "import of a bad CSV" "$T/err" "bad.csv:5: kind:"
expect_in "import of a bad CSV" "$T/err" "2 row(s) rejected; nothing was imported"
expect_eq "nothing imported" "$(count "$DB" "SELECT COUNT(*) FROM organizations")" 0
expect_eq "nothing audited" "$(count "$DB" "SELECT COUNT(*) FROM audit_log WHERE entity_type='organization'")" 0

# As Excel saves it: BOM, CRLF, quoted commas, quotes and line breaks.
printf '\xef\xbb\xbfkind,name,tax_code,province_code,description\r\nenterprise,Công ty Một,0100109106,01,"Dòng một\r\nDòng hai"\r\nuniversity,"Trường Ba, Cơ sở 2",,38,"Có ""ngoặc kép"""\r\nstartup,Công ty Năm,,,=SUM(A1:A2)\r\n' >"$T/good.csv"
run "import of a good CSV" 0 "$STIO" import --db "$DB" --data "$DATA" --entity organizations --file "$T/good.csv" --as admin@example.vn
expect_in "import of a good CSV" "$T/out" "imported 3 organizations"
expect_eq "imported" "$(count "$DB" "SELECT COUNT(*) FROM organizations")" 3
expect_eq "audited as the user" "$(count "$DB" "SELECT COUNT(*) FROM audit_log WHERE entity_type='organization' AND actor_email='admin@example.vn'")" 3
expect_eq "quoted name" "$(count "$DB" "SELECT name FROM organizations WHERE province_code='38'")" "Trường Ba, Cơ sở 2"

printf '[{"full_name": "Nguyễn Văn An", "orcid": "0000-0002-1825-0097", "is_expert": true, "fields": ["102"]}]' >"$T/people.json"
run "import JSON" 0 "$STIO" import --db "$DB" --data "$DATA" --entity people --file "$T/people.json"
printf '[{"full_name": "B", "orcid": "0000-0002-1825-0098"}]' >"$T/bad-people.json"
run "import bad JSON" 1 "$STIO" import --db "$DB" --data "$DATA" --entity people --file "$T/bad-people.json"
expect_in "import bad JSON" "$T/err" "orcid"
run "import as a reviewer-less nobody" 1 "$STIO" import --db "$DB" --data "$DATA" --entity people --file "$T/people.json" --as nobody@example.vn
run "import of a missing file" 1 "$STIO" import --db "$DB" --data "$DATA" --entity people --file "$T/none.csv"
expect_eq "people" "$(count "$DB" "SELECT COUNT(*) FROM people")" 1

# --- Record commands ------------------------------------------------------------------------
run "org create" 0 "$STIO" org create --db "$DB" --data "$DATA" --as admin@example.vn \
  --json '{"kind": "research_institute", "name": "Viện Công nghệ Sinh học", "province_code": "38"}'
ORG=$(jq -r .id "$T/out")
run "org create with a bad tax code" 1 "$STIO" org create --db "$DB" --data "$DATA" \
  --json '{"kind": "enterprise", "name": "X", "tax_code": "0100109107"}'
expect_in "org create with a bad tax code" "$T/err" "tax_code"
run "org create with an unknown field" 1 "$STIO" org create --db "$DB" --data "$DATA" \
  --json '{"kind": "enterprise", "name": "X", "ceo": "Y"}'
run "org create with malformed JSON" 2 "$STIO" org create --db "$DB" --data "$DATA" --json '{"kind": '
run "org update" 0 "$STIO" org update --db "$DB" --data "$DATA" --id "$ORG" --json '{"short_name": "VCNSH"}'
expect_eq "org update" "$(jq -r .short_name "$T/out")" VCNSH
run "org show" 0 "$STIO" org show --db "$DB" --data "$DATA" --id "$ORG"
expect_eq "org show" "$(jq -r .name "$T/out")" "Viện Công nghệ Sinh học"
run "certificate issue" 0 "$STIO" certificate issue --db "$DB" --data "$DATA" --org "$ORG" \
  --json '{"number": "12/2024/GCN", "issued_on": "2024-03-01"}'
CERT=$(jq -r .id "$T/out")
run "certificate reinstate an active one" 1 "$STIO" certificate event --db "$DB" --data "$DATA" \
  --id "$CERT" --json '{"action": "reinstate", "date": "2024-04-01"}'
run "certificate suspend" 0 "$STIO" certificate event --db "$DB" --data "$DATA" --id "$CERT" \
  --json '{"action": "suspend", "date": "2024-04-01"}'
expect_eq "certificate suspend" "$(jq -r .status "$T/out")" suspended
run "person create" 0 "$STIO" person create --db "$DB" --data "$DATA" \
  --json "{\"full_name\": \"Lê Thị Hoa\", \"organization_id\": $ORG, \"orcid\": \"0000-0001-5109-3700\"}"
run "person list" 0 "$STIO" person list --db "$DB" --data "$DATA" --q "le thi hoa"
expect_in "person list" "$T/out" "Lê Thị Hoa"
run "unknown record subcommand" 2 "$STIO" person frobnicate --db "$DB" --data "$DATA"
run "org delete" 0 "$STIO" org delete --db "$DB" --data "$DATA" --id "$ORG"
run "org show after delete" 1 "$STIO" org show --db "$DB" --data "$DATA" --id "$ORG"
expect_eq "audited as the user" "$(count "$DB" "SELECT actor_email FROM audit_log WHERE entity_type='organization' AND entity_id='$ORG' AND action='create'")" admin@example.vn
expect_eq "audited" "$(count "$DB" "SELECT COUNT(*) FROM audit_log WHERE entity_type='organization' AND entity_id='$ORG'")" 3

# --- Export ---------------------------------------------------------------------------------
run "export csv" 0 "$STIO" export --db "$DB" --data "$DATA" --entity organizations --format csv --out "$T/orgs.csv"
[[ "$(head -c 3 "$T/orgs.csv" | od -An -tx1 | tr -d ' ')" == "efbbbf" ]] && pass || fail "export csv has no BOM"
expect_in "export csv" "$T/orgs.csv" "Trường Ba, Cơ sở 2"
expect_in "export csv guards formulas" "$T/orgs.csv" "'=SUM(A1:A2)"
run "export json to stdout" 0 "$STIO" export --db "$DB" --data "$DATA" --entity people --format json
expect_eq "export json" "$(jq -r '[.[] | select(.full_name == "Nguyễn Văn An")][0].orcid' "$T/out")" "0000-0002-1825-0097"
run "export organizations json" 0 "$STIO" export --db "$DB" --data "$DATA" --entity organizations --format json --out "$T/orgs.json"
expect_eq "export json count" "$(jq length "$T/orgs.json")" 3

# The exported CSV imports into a fresh database as it is.
DB2="$T/fresh.db"
run "migrate fresh" 0 "$STIO" migrate --db "$DB2" --data "$DATA"
run "re-import the export" 0 "$STIO" import --db "$DB2" --data "$DATA" --entity organizations --file "$T/orgs.csv"
run "export again" 0 "$STIO" export --db "$DB2" --data "$DATA" --entity organizations --format json --out "$T/orgs2.json"
FIELDS='[.[] | {kind, name, tax_code, province_code, description}]'
expect_eq "round trip" "$(jq -c "$FIELDS" "$T/orgs2.json")" "$(jq -c "$FIELDS" "$T/orgs.json")"

# --- Backup and restore ---------------------------------------------------------------------
run "backup" 0 "$STIO" backup --db "$DB" --out "$T/stio.bak"
RESTORED="$T/restored/stio.db"
mkdir -p "$T/restored"
run "restore" 0 "$STIO" restore --db "$RESTORED" --from "$T/stio.bak"
expect_eq "integrity of the restored database" "$(count "$RESTORED" 'PRAGMA integrity_check')" ok
expect_eq "restored organizations" "$(count "$RESTORED" "SELECT COUNT(*) FROM organizations WHERE deleted_at IS NULL")" 3
expect_eq "restored users" "$(count "$RESTORED" "SELECT COUNT(*) FROM users")" 2
run "the restored database works" 0 "$STIO" user list --db "$RESTORED" --data "$DATA"
expect_in "the restored database works" "$T/out" "admin@example.vn"
printf 'this is not a database' >"$T/garbage.bak"
run "restore from garbage" 1 "$STIO" restore --db "$RESTORED" --from "$T/garbage.bak"
expect_eq "a failed restore leaves the database" "$(count "$RESTORED" "SELECT COUNT(*) FROM organizations WHERE deleted_at IS NULL")" 3

# --- Technology exchange and the outbox ---------------------------------------------------------
XDB="$T/exchange.db"
run "migrate for the exchange" 0 "$STIO" migrate --db "$XDB" --data "$DATA"
run "exchange org a" 0 "$STIO" org create --db "$XDB" --data "$DATA" \
  --json '{"kind": "research_institute", "name": "Viện Cơ điện", "province_code": "01"}'
XA=$(jq -r .id "$T/out")
run "exchange org b" 0 "$STIO" org create --db "$XDB" --data "$DATA" \
  --json '{"kind": "enterprise", "name": "Công ty Nông sản", "province_code": "92"}'
XB=$(jq -r .id "$T/out")
run "exchange create offer" 0 "$STIO" exchange create --db "$XDB" --data "$DATA" --json \
  "{\"kind\": \"offer\", \"title\": \"Công nghệ sấy lạnh nông sản\", \"summary\": \"Máy sấy bơm nhiệt giữ màu trái cây\", \"organization_id\": $XA, \"trl\": 7, \"fields\": [\"402\"], \"contact_email\": \"lab@vien.example.vn\"}"
XO=$(jq -r .id "$T/out")
expect_eq "a new listing is a draft" "$(jq -r .status "$T/out")" draft
run "exchange publish a draft" 1 "$STIO" exchange publish --db "$XDB" --data "$DATA" --id "$XO"
expect_in "exchange publish a draft" "$T/err" "only from submitted"
run "exchange return without a note" 1 "$STIO" exchange return --db "$XDB" --data "$DATA" --id "$XO"
run "exchange submit" 0 "$STIO" exchange submit --db "$XDB" --data "$DATA" --id "$XO"
run "exchange publish" 0 "$STIO" exchange publish --db "$XDB" --data "$DATA" --id "$XO"
expect_eq "exchange publish" "$(jq -r .status "$T/out")" published
printf 'kind,title,summary,organization_id,trl_min,fields,budget_max_vnd,submit\nneed,Cần công nghệ sấy trái cây,Sấy xoài giữ màu,%s,6,402,1.000.000.000,có\nneed,,Thiếu tên,%s,,,,\n' "$XB" "$XB" >"$T/needs.csv"
run "import listings with a bad row" 1 "$STIO" import --db "$XDB" --data "$DATA" --entity listings --file "$T/needs.csv"
expect_in "import listings with a bad row" "$T/err" "needs.csv:3: title"
head -2 "$T/needs.csv" >"$T/needs-ok.csv"
run "import listings" 0 "$STIO" import --db "$XDB" --data "$DATA" --entity listings --file "$T/needs-ok.csv"
XN=$(count "$XDB" "SELECT id FROM exchange_listings WHERE kind = 'need'")
run "exchange publish the need" 0 "$STIO" exchange publish --db "$XDB" --data "$DATA" --id "$XN"
run "exchange match" 0 "$STIO" exchange match --db "$XDB" --data "$DATA" --id "$XN"
expect_eq "exchange match finds the offer" "$(jq -r '.offers[0].id' "$T/out")" "$XO"
expect_in "exchange match explains" "$T/out" "trl_ok"
run "exchange list" 0 "$STIO" exchange list --db "$XDB" --data "$DATA" --kind offer
expect_in "exchange list" "$T/out" "Công nghệ sấy lạnh nông sản"
run "exchange expire (nothing due)" 0 "$STIO" exchange expire --db "$XDB" --data "$DATA"
expect_eq "exchange expire" "$(jq -r .expired "$T/out")" 0
run "exchange contract create" 0 "$STIO" exchange contract --db "$XDB" --data "$DATA" --json \
  "{\"transferor_organization_id\": $XA, \"transferee_organization_id\": $XB, \"object\": \"Máy sấy bơm nhiệt\", \"form\": \"equipment\", \"rights\": \"use\", \"signed_date\": \"2025-02-01\", \"value_vnd\": 750000000, \"state_capital\": true}"
XK=$(jq -r .id "$T/out")
expect_eq "state capital: registration required" "$(jq -r .registration_required "$T/out")" true
expect_eq "registration due" "$(jq -r .registration_due "$T/out")" 2025-05-02
run "exchange contract in effect without registration" 1 "$STIO" exchange contract --db "$XDB" --data "$DATA" \
  --id "$XK" --json '{"status": "in_effect"}'
expect_in "exchange contract in effect without registration" "$T/err" "registration_number"
run "exchange followup" 0 "$STIO" exchange followup --db "$XDB" --data "$DATA" --id "$XK" \
  --json '{"period": "2025", "jobs_created": 8, "revenue_change_vnd": 900000000}'
run "exchange contract show" 0 "$STIO" exchange contract --db "$XDB" --data "$DATA" --id "$XK"
expect_eq "exchange contract show" "$(jq -r '.followups[0].jobs_created' "$T/out")" 8
run "exchange task proposal from an offer" 1 "$STIO" exchange task-proposal --db "$XDB" --data "$DATA" --id "$XO"
run "exchange task proposal" 0 "$STIO" exchange task-proposal --db "$XDB" --data "$DATA" --id "$XN"
expect_eq "exchange task proposal" "$(jq -r .proposal.ten_nhiem_vu "$T/out")" "Cần công nghệ sấy trái cây"
run "housekeeping" 0 "$STIO" housekeeping --db "$XDB" --data "$DATA"
expect_eq "housekeeping" "$(jq -r .listings.expired "$T/out")" 0
run "exchange unknown command" 2 "$STIO" exchange frobnicate --db "$XDB" --data "$DATA"
run "exchange show without --id" 2 "$STIO" exchange show --db "$XDB" --data "$DATA"
run "outbox list" 0 "$STIO" outbox list --db "$XDB" --data "$DATA"
MAIL=$(jq -r '[.items[] | select(.to_address == "lab@vien.example.vn")][0].id' "$T/out")
[[ "$MAIL" =~ ^[0-9]+$ ]] && pass || fail "the match e-mail to the offer's contact is not in the outbox"
run "outbox failed" 0 "$STIO" outbox failed --db "$XDB" --data "$DATA" --id "$MAIL" --error "timeout"
run "outbox sent" 0 "$STIO" outbox sent --db "$XDB" --data "$DATA" --id "$MAIL"
expect_eq "outbox sent" "$(jq -r .attempts "$T/out")" 2
run "outbox sent twice" 1 "$STIO" outbox sent --db "$XDB" --data "$DATA" --id "$MAIL"
run "outbox failed without --error" 2 "$STIO" outbox failed --db "$XDB" --data "$DATA" --id "$MAIL"

# --- Serve, briefly -------------------------------------------------------------------------
"$STIO" serve --listen 127.0.0.1:0 --db "$DB" --data "$DATA" --quiet >"$T/serve.out" 2>"$T/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT=$(sed -n 's#.*serving http://127.0.0.1:\([0-9]*\).*#\1#p' "$T/serve.out" 2>/dev/null)
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
if [[ -z "$PORT" ]]; then
  fail "serve did not start: $(cat "$T/serve.err")"
else
  expect_eq "healthz" "$(curl -s "http://127.0.0.1:$PORT/healthz" | jq -r .status)" ok
  expect_eq "token works" "$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/auth/me" | jq -r .user.email)" admin@example.vn
  expect_eq "organizations over HTTP" "$(curl -s "http://127.0.0.1:$PORT/api/v1/organizations" | jq .total)" 3
  # The figure cache is warmed in the background after the start, and says so once.
  for _ in $(seq 1 100); do
    grep -q "warmed the figure cache" "$T/serve.out" && break
    sleep 0.1
  done
  expect_eq "serve warms the figure cache" "$(grep -c '^stio: warmed the figure cache in .* indicators, .* series' "$T/serve.out")" 1
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID"
  expect_eq "serve stops cleanly on SIGTERM" "$?" 0
  SERVER_PID=""
  # The search index is kept beside the database (tests/crash/search_restart_test.sh tests more).
  expect_in "serve builds the search index" "$T/serve.out" "built the search index from the database"
  [[ -f "$DB.search/CURRENT" ]] && pass || fail "serve left no saved search index in $DB.search"
fi
# Bad values for the search index options: a usage error, before anything is opened.
run "serve --search-save-interval 0" 2 "$STIO" serve --db "$T/never.db" --search-save-interval 0
expect_in "serve --search-save-interval 0" "$T/err" "--search-save-interval must be 1..604800 seconds"
run "serve --search-save-interval x" 2 "$STIO" serve --db "$T/never.db" --search-save-interval 1e3
run "serve --search-save-interval huge" 2 "$STIO" serve --db "$T/never.db" --search-save-interval 99999999999999999999
run "serve --search-index ''" 2 "$STIO" serve --db "$T/never.db" --search-index " "
expect_in "serve --search-index ''" "$T/err" "--search-index must be a folder or \`none\`"
[[ ! -e "$T/never.db" ]] && pass || fail "a refused serve created its database"

echo "cli_test: $CHECKS checks passed, $FAILS failed"
[[ "$FAILS" == 0 ]]
