#!/usr/bin/env bash
# The phone benchmark: Lighthouse (pinned in tools/lighthouse) in its mobile profile, on Debian's
# Chromium, against the release build serving the demo data, signed in as each page's user:
# the dashboard, an incident, the story form, the weekly report and the customer portal. Three
# runs per page; prints the median of each figure as a table. A benchmark, not a test: scores
# move from run to run with what else the machine is doing.
#   scripts/lighthouse.sh            (LIGHTHOUSE_RUNS=n for another number of runs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${LIGHTHOUSE_RUNS:-3}

ensure_rust
ensure_wasm_toolchain
ensure_wasm_bindgen
ensure_wasm_opt
if [ ! -x /usr/bin/chromium ]; then
  step "Installing Debian's chromium"
  apt_install chromium
fi
if [ ! -x "$ROOT/tools/lighthouse/node_modules/.bin/lighthouse" ]; then
  step "Installing Lighthouse (npm, from tools/lighthouse/package-lock.json)"
  (cd "$ROOT/tools/lighthouse" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
build_site release "$ROOT/target/release/site"
step "Building the server (release)"
cargo build --release -p server --bin extramile

WORK=$(mktemp -d)
step "Starting the release server on demo data"
DATABASE_URL="sqlite://$WORK/bench.db" EXTRAMILE_ADDR="127.0.0.1:0" EXTRAMILE_SEED_DEMO=true \
  EXTRAMILE_LOG=warn "$ROOT/target/release/extramile" serve >"$WORK/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
URL=$(wait_for_server "$WORK/server.log" "$server") || { cat "$WORK/server.log"; exit 1; }
cookie_of() { session_cookie "$URL" "$2" "$1" copper-kettle-orbit-42; }
STAFF=$(cookie_of priya@example.com /login)
MANAGER=$(cookie_of manager@example.com /login)
CUSTOMER=$(cookie_of dana@example.com /portal/login)
INCIDENT=$(curl -s -H "Cookie: $STAFF" "$URL/incidents" | grep -o 'href="/incidents/[0-9]*"' | head -1 | grep -o '[0-9]*')

LH="$ROOT/tools/lighthouse/node_modules/.bin/lighthouse"
FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
run_page() { # name path cookie
  local name=$1 path=$2 cookie=$3 i
  for i in $(seq 1 "$RUNS"); do
    "$LH" "$URL$path" --quiet --chrome-path=/usr/bin/chromium --chrome-flags="$FLAGS --user-data-dir=$WORK/profile-$name-$i" \
      --only-categories=performance,accessibility,best-practices --output=json \
      --output-path="$WORK/$name-$i.json" --extra-headers="{\"Cookie\": \"$cookie\"}" >/dev/null 2>&1 ||
      note "lighthouse failed on $path (run $i)"
  done
}
step "Lighthouse, mobile profile, $RUNS runs per page"
run_page dashboard /dashboard "$MANAGER"
run_page incident "/incidents/$INCIDENT" "$STAFF"
run_page story-form /stories/new "$STAFF"
run_page weekly-report /reports/weekly "$MANAGER"
run_page portal /portal "$CUSTOMER"
node - "$WORK" "$RUNS" <<'JS'
const fs = require("fs");
const [dir, runs] = process.argv.slice(2);
const median = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
const rows = [["page", "performance", "accessibility", "best practices", "TBT ms", "LCP s", "transfer KB"]];
for (const page of ["dashboard", "incident", "story-form", "weekly-report", "portal"]) {
  const reports = [];
  for (let i = 1; i <= runs; i++) {
    try { reports.push(JSON.parse(fs.readFileSync(`${dir}/${page}-${i}.json`, "utf8"))); } catch (_) {}
  }
  const pick = (f) => median(reports.map(f));
  const score = (c) => pick((r) => r.categories[c]?.score == null ? null : Math.round(r.categories[c].score * 100));
  rows.push([page, score("performance"), score("accessibility"), score("best-practices"),
    Math.round(pick((r) => r.audits["total-blocking-time"].numericValue)),
    (pick((r) => r.audits["largest-contentful-paint"].numericValue) / 1000).toFixed(2),
    Math.round(pick((r) => r.audits["total-byte-weight"].numericValue) / 1024)]);
}
console.log(`| ${rows[0].join(" | ")} |\n|${rows[0].map(() => "---").join("|")}|`);
for (const r of rows.slice(1)) console.log(`| ${r.join(" | ")} |`);
JS
