#!/usr/bin/env bash
# Runs the whole test suite: unit and integration tests on SQLite, again on PostgreSQL, then the
# Playwright suite in headless Chromium against a debug build. Installs what is missing first.
# Exits non-zero on any failure.
#
# PostgreSQL: TEST_DATABASE_URL, else DATABASE_URL when it names PostgreSQL, else the local
# server at 127.0.0.1:5432. With CI=true it must be reachable (30 s are allowed for it to start)
# or the run fails at once; elsewhere an unreachable server skips that pass with a warning.
# EXTRAMILE_TEST_SEED replays a randomized test's run (each prints the seed it drew).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

failures=()
skipped=()
record() { if [ "$2" -ne 0 ]; then failures+=("$1"); fi; }

# Before anything is built: CI learns in seconds, not after the builds, that PostgreSQL is missing.
postgres_for_tests
if is_ci; then
  step "Waiting for PostgreSQL at $PG_HOST:$PG_PORT (required in CI)"
  if ! postgres_reachable 30; then
    echo "ERROR: CI=true and no PostgreSQL server is reachable at $PG_HOST:$PG_PORT, so the" >&2
    echo "       PostgreSQL test pass cannot run. Start one there, or point TEST_DATABASE_URL" >&2
    echo "       at a reachable server (postgres://user@host:port/db)." >&2
    exit 1
  fi
  pg_reachable=1
elif postgres_reachable 0; then
  pg_reachable=1
else
  pg_reachable=0
  note "WARNING: no PostgreSQL server is reachable at $PG_HOST:$PG_PORT: the PostgreSQL pass will be SKIPPED"
  note "         (start one, or set TEST_DATABASE_URL; with CI=true this is an error)"
fi

ensure_rust
ensure_wasm_toolchain
ensure_wasm_bindgen
if [ ! -x /usr/bin/chromium ]; then
  step "Installing Debian's chromium and chromium-driver for the browser tests"
  apt_install chromium chromium-driver
fi
if [ ! -d end2end/node_modules/@playwright/test ]; then
  step "Installing the end-to-end test packages (npm ci, from end2end/package-lock.json)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

ensure_wasm_opt
# The release bundle, as the serve command builds it, so the browser tests and the bundle's size
# budget see what users get; in the folder the debug server reads, apart from the serve command's.
build_site release "$ROOT/target/debug/site"

step "Unit and integration tests on SQLite"
set +e
# TEST_DATABASE_URL is for the PostgreSQL pass below; this pass is SQLite's.
env -u TEST_DATABASE_URL cargo test --no-fail-fast -p app -p server
record "tests on SQLite" $?
set -e

if [ "$pg_reachable" = 1 ]; then
  step "Integration tests again on PostgreSQL ($PG_HOST:$PG_PORT)"
  set +e
  # The same packages as the SQLite pass, so cargo reuses its build instead of compiling the
  # app again for another feature set.
  TEST_DATABASE_URL="$PG_URL" cargo test --no-fail-fast -p app -p server
  record "tests on PostgreSQL" $?
  set -e
  if command -v psql >/dev/null; then
    psql "$PG_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'extramile_t_%'" 2>/dev/null |
      while read -r db; do psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  fi
else
  skipped+=("PostgreSQL pass: no server reachable at $PG_HOST:$PG_PORT (set TEST_DATABASE_URL to run it)")
  note "WARNING: SKIPPED the PostgreSQL pass: no server reachable at $PG_HOST:$PG_PORT"
fi

step "End-to-end tests in headless Chromium"
E2E_DIR=$(mktemp -d)
# Port 0: the server picks a free port and prints the address it serves at. Webhook endpoints
# may be on 127.0.0.1: the webhook journey's receiver runs inside the test.
DATABASE_URL="sqlite://$E2E_DIR/e2e.db" EXTRAMILE_ADDR="127.0.0.1:0" EXTRAMILE_SEED_DEMO=true \
  EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE=true EXTRAMILE_LOG=warn EXTRAMILE_SITE_ROOT="$SITE" "$ROOT/target/debug/extramile" serve >"$E2E_DIR/server.log" 2>&1 &
server_pid=$!
if ! E2E_URL=$(wait_for_server "$E2E_DIR/server.log" "$server_pid"); then
  note "the app did not start for the end-to-end tests:"; cat "$E2E_DIR/server.log"; exit 1
fi
note "app under test at $E2E_URL"
set +e
(cd end2end && E2E_BASE_URL="$E2E_URL" npx playwright test)
record "end-to-end tests" $?
set -e

step "API fuzzing: Schemathesis with every check against the generated OpenAPI document"
ensure_schemathesis
FUZZ_TOKEN=$(DATABASE_URL="sqlite://$E2E_DIR/e2e.db" EXTRAMILE_LOG=warn \
  "$ROOT/target/debug/extramile" token create --name "API fuzzing")
set +e
"$SCHEMATHESIS" --config-file "$ROOT/schemathesis.toml" run "$E2E_URL/api/openapi.json" \
  --checks all --header "Authorization: Bearer $FUZZ_TOKEN" --workers 1 \
  --phases examples,coverage,fuzzing --seed "${EXTRAMILE_TEST_SEED:-1}"
record "API fuzzing" $?
set -e
kill "$server_pid" 2>/dev/null || true
# A graceful shutdown waits for open requests; give it ten seconds, then stop it outright.
for _ in $(seq 1 50); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.2
done
kill -9 "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true

step "Summary"
for s in "${skipped[@]+"${skipped[@]}"}"; do note "skipped: $s"; done
if [ ${#failures[@]} -gt 0 ]; then
  for f in "${failures[@]}"; do note "FAILED: $f"; done
  note "server log of the end-to-end run: $E2E_DIR/server.log"
  exit 1
fi
note "all test suites passed"
