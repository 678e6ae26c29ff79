#!/usr/bin/env bash
# Server-rendering throughput: requests per second and latency of the dashboard (a manager), an
# incident page (the same manager) and the customer portal (a customer with the most incidents),
# with one connection and with eight, on a generated organisation (SQLite), plus each page's HTML
# size. Uses wrk (Debian's package, installed when missing) against a release binary:
#   scripts/render-bench.sh [BINARY]        (default target/release/extramile, built by serve.sh)
# BENCH_CUSTOMERS (default 20000) sizes the organisation; BENCH_SECONDS (default 10) each run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BIN=${1:-$ROOT/target/release/extramile}
CUSTOMERS=${BENCH_CUSTOMERS:-20000}
SECONDS_EACH=${BENCH_SECONDS:-10}
PASSWORD="velvet-harbour-quince-93"
[ -x "$BIN" ] || { echo "no binary at $BIN: run ./scripts/serve.sh once, or name one" >&2; exit 1; }
command -v wrk >/dev/null || { step "Installing wrk"; apt_install wrk; }

WORK=$(mktemp -d)
export DATABASE_URL="sqlite://$WORK/bench.db" EXTRAMILE_LOG=warn
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
step "Generating $CUSTOMERS customers"
"$BIN" generate --customers "$CUSTOMERS" --seed 7 >/dev/null 2>"$WORK/generate.log"
query() { python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else '')" "$WORK/bench.db" "$1"; }
REF=$(query "SELECT c.external_ref FROM customers c JOIN incidents i ON i.customer_id = c.id WHERE c.external_ref IS NOT NULL GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1")
INCIDENT=$(query "SELECT MAX(id) FROM incidents")
printf '%s' "$PASSWORD" | "$BIN" user add --email bench.manager@example.com --name "Bench Manager" --role manager --password-stdin >/dev/null
printf '%s' "$PASSWORD" | "$BIN" user add --email bench.customer@example.com --name "Bench Customer" --role customer --customer "$REF" --password-stdin >/dev/null

EXTRAMILE_ADDR="127.0.0.1:0" "$BIN" serve >"$WORK/server.log" 2>&1 &
server=$!
URL=$(wait_for_server "$WORK/server.log" "$server") || { cat "$WORK/server.log"; exit 1; }
cookie_of() { session_cookie "$URL" "$2" "$1" "$PASSWORD"; }
MANAGER=$(cookie_of bench.manager@example.com /login)
CUSTOMER=$(cookie_of bench.customer@example.com /portal/login)

step "wrk, $SECONDS_EACH s per run ($(basename "$BIN"), $CUSTOMERS customers)"
printf '| page | HTML bytes | 1 connection req/s | p50 | 8 connections req/s | p50 |\n|---|---|---|---|---|---|\n'
for spec in "dashboard|/dashboard|$MANAGER" "incident|/incidents/$INCIDENT|$MANAGER" "portal|/portal|$CUSTOMER"; do
  IFS='|' read -r name path cookie <<<"$spec"
  bytes=$(curl -s -H "Cookie: $cookie" "$URL$path" | wc -c)
  row="| $name | $bytes"
  for c in 1 8; do
    out=$(wrk -t "$(( c > 1 ? 2 : 1 ))" -c "$c" -d "${SECONDS_EACH}s" --latency -H "Cookie: $cookie" "$URL$path")
    rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    row="$row | $rps | $p50"
  done
  echo "$row |"
done
