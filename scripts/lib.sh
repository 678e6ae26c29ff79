# Shared steps of scripts/serve.sh and scripts/test.sh: install what is missing, build the app.
# Sourced, not run. Every step says what it does; nothing waits on a download that cannot happen.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=extramile
SITE=""                 # set by build_site
WASM_TARGET=wasm32-unknown-unknown
WASM_MODE=""            # "rustup" or "debian", chosen by ensure_wasm_toolchain
STARTED_AT=$(date +%s)

step() { printf '\n\033[1m==> %s\033[0m  (%ss)\n' "$*" "$(( $(date +%s) - STARTED_AT ))"; }
note() { printf '    %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    note "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  note "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# CI is any of true, 1 or yes (CI services set CI=true; .ci/run does too).
is_ci() {
  case "${CI:-}" in true | 1 | yes) return 0 ;; *) return 1 ;; esac
}

# The PostgreSQL server of the second test pass: TEST_DATABASE_URL, else DATABASE_URL when it
# names PostgreSQL, else the local server. Sets PG_URL, PG_HOST and PG_PORT.
postgres_for_tests() {
  PG_URL="${TEST_DATABASE_URL:-}"
  if [ -z "$PG_URL" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then PG_URL="$DATABASE_URL"; fi
  if [ -z "$PG_URL" ]; then PG_URL="postgres://postgres@127.0.0.1:5432/postgres"; fi
  local host_port
  host_port=$(sed -E 's#^[a-z]+://([^@/]*@)?([^/:?]+)(:([0-9]+))?.*#\2 \4#' <<<"$PG_URL")
  read -r PG_HOST PG_PORT <<<"$host_port"
  PG_PORT=${PG_PORT:-5432}
}

# postgres_reachable SECONDS — whether a server accepts connections at PG_HOST:PG_PORT, asking
# once a second for up to SECONDS (a CI service may still be starting).
postgres_reachable() {
  local deadline=$(( $(date +%s) + ${1:-0} ))
  while :; do
    if timeout 3 bash -c "exec 3<>/dev/tcp/$PG_HOST/$PG_PORT" 2>/dev/null; then return 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    sleep 1
  done
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo is missing: this machine needs rustup's toolchain" >&2; exit 1; }
}

use_debian_toolchain() {
  if [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src/rust/library ]; then
    apt_install rustc-web cargo-web rust-web-src libstd-rust-web-dev
  fi
  WASM_MODE=debian
}

# The rustup wasm target when it is there or can be added quickly; otherwise Debian's toolchain
# building std from source. EXTRAMILE_WASM_TOOLCHAIN=debian forces the fallback.
ensure_wasm_toolchain() {
  if [ "${EXTRAMILE_WASM_TOOLCHAIN:-}" = debian ]; then
    note "EXTRAMILE_WASM_TOOLCHAIN=debian: using Debian's toolchain with -Zbuild-std"
    use_debian_toolchain; return
  fi
  if rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    WASM_MODE=rustup; return
  fi
  step "Adding the $WASM_TARGET target with rustup (60 s at most)"
  if timeout 60 rustup target add "$WASM_TARGET" >/dev/null 2>&1 \
     && rustup target list --installed | grep -qx "$WASM_TARGET"; then
    WASM_MODE=rustup; return
  fi
  note "rustup could not add the target; using Debian's toolchain with -Zbuild-std instead"
  use_debian_toolchain
}

ensure_wasm_bindgen() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
  if command -v wasm-bindgen >/dev/null && wasm-bindgen --version | grep -q " $want\$"; then return; fi
  step "Installing wasm-bindgen-cli $want (matches Cargo.lock; about 5 minutes once)"
  cargo install wasm-bindgen-cli --version "$want" --quiet
}

ensure_wasm_opt() {
  if [ -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]; then return; fi
  if ! command -v npm >/dev/null; then note "npm is missing: the bundle is served without wasm-opt"; return; fi
  step "Installing wasm-opt (npm package binaryen, from tools/package-lock.json)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# build_site debug|release SITE — the browser bundle (WASM + JS glue), the stylesheet and assets,
# with content-hashed names and brotli/gzip copies, into SITE (each server binary reads the site
# beside it: target/release/site for the serve command, target/debug/site for the tests).
build_site() {
  local profile=$1 cargo_profile out_dir wasm_file target_dir="$ROOT/target"
  SITE=${2:?build_site needs the site folder}
  if [ "$profile" = release ]; then cargo_profile=wasm-release; out_dir=wasm-release; else cargo_profile=dev; out_dir=debug; fi
  step "Building the browser bundle ($profile, $WASM_MODE toolchain) into ${SITE#"$ROOT"/}"
  if [ "$WASM_MODE" = rustup ]; then
    cargo build -p frontend --lib --target "$WASM_TARGET" --profile "$cargo_profile"
  else
    target_dir="$ROOT/target/wasm-fallback"
    local lld
    lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
    PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$lld" \
      cargo build -p frontend --lib --target "$WASM_TARGET" --profile "$cargo_profile" -Zbuild-std=std,panic_abort
  fi
  wasm_file="$target_dir/$WASM_TARGET/$out_dir/frontend.wasm"
  # A fresh folder: hashed names from earlier builds would pile up.
  rm -rf "$SITE"
  mkdir -p "$SITE/pkg"
  note "wasm-bindgen"
  wasm-bindgen --target web --no-typescript --out-dir "$SITE/pkg" --out-name extramile "$wasm_file"
  # The name the server asks for, as cargo-leptos would lay it out.
  mv "$SITE/pkg/extramile_bg.wasm" "$SITE/pkg/extramile.wasm"
  if [ "$profile" = release ] && [ -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]; then
    note "wasm-opt -Oz"
    "$ROOT/tools/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-reference-types --enable-sign-ext --enable-mutable-globals \
      -o "$SITE/pkg/extramile.wasm.opt" "$SITE/pkg/extramile.wasm"
    mv "$SITE/pkg/extramile.wasm.opt" "$SITE/pkg/extramile.wasm"
  fi
  cp "$ROOT/style/main.css" "$SITE/pkg/extramile.css"
  cp -r "$ROOT/public/." "$SITE/"
  if command -v node >/dev/null; then
    note "hashed names, brotli and gzip copies"
    node "$ROOT/scripts/site-files.mjs" "$SITE"
  else
    note "node is missing: the bundle keeps plain names and is compressed on each request"
  fi
}

# wait_for_server LOG PID — prints the address a server started on port 0 wrote to LOG, once it
# answers /healthz; fails when it stopped or did not answer within 30 s.
wait_for_server() {
  local log=$1 pid=$2 url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^Extra Mile is serving at //p' "$log" | head -1)
    if [ -n "$url" ] && curl -fsS "$url/healthz" >/dev/null 2>&1; then echo "$url"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.3
  done
  return 1
}

# session_cookie URL SIGN_IN_PATH EMAIL PASSWORD — the cookies the sign-in form sets, as one
# Cookie header value.
session_cookie() {
  curl -s -o /dev/null -D - -X POST "$1$2" --data-urlencode "email=$3" --data-urlencode "password=$4" |
    sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip' | paste -sd ';' -
}

# Schemathesis (the OpenAPI fuzzer, from PyPI) in a virtual environment under target/.
SCHEMATHESIS_VERSION=4.32.5
ensure_schemathesis() {
  SCHEMATHESIS="$ROOT/target/schemathesis-venv/bin/st"
  if [ -x "$SCHEMATHESIS" ] && "$SCHEMATHESIS" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    return
  fi
  step "Installing Schemathesis $SCHEMATHESIS_VERSION (API fuzzer) into target/schemathesis-venv"
  python3 -m venv "$ROOT/target/schemathesis-venv"
  "$ROOT/target/schemathesis-venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
}

