#!/usr/bin/env bash
# Builds Extra Mile in release mode and serves it on the embedded SQLite default with demo data.
# Installs what is missing first. Override DATABASE_URL / EXTRAMILE_ADDR as for the binary.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust
ensure_wasm_toolchain
ensure_wasm_bindgen
ensure_wasm_opt
build_site release "$ROOT/target/release/site"
step "Building the server (release)"
cargo build --release -p server --bin extramile
step "Starting: migrations apply and demo data is seeded into an empty database"
export EXTRAMILE_SEED_DEMO="${EXTRAMILE_SEED_DEMO:-true}"
exec "$ROOT/target/release/extramile" serve
