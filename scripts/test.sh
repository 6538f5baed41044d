#!/usr/bin/env bash
# README's second command: installs whatever is missing, then builds and tests everything,
# including the real desktop app in its real webview (WebKitGTK via tauri-driver, on a virtual
# display the test starts itself). Screenshots of each end-to-end step: target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m[test]\033[0m %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
./scripts/setup.sh
export PATH="${YITU_TOOLS:-$HOME/.cache/yitu-tools}/bin:$PATH"

step "format"
cargo fmt --all --check

step "ui: trunk build (wasm32)"
./scripts/build-ui.sh

step "domain and ipc stay pure: no tokio, sqlx or tauri in their dependency trees, and they build for wasm32"
for crate in yitu-domain yitu-ipc; do
  if cargo tree -p "$crate" -e normal --prefix none | grep -E '^(tokio|sqlx|tauri)[ -]'; then
    echo "$crate must not depend on IO crates" >&2; exit 1
  fi
  cargo check -p "$crate" --target wasm32-unknown-unknown --quiet
done

step "the window's state is plain values: no leptos, web-sys or wasm-bindgen in yitu-ui-state (its unit tests run natively below)"
if cargo tree -p yitu-ui-state -e normal --prefix none | grep -E '^(leptos|web-sys|js-sys|wasm-bindgen|tokio|sqlx|tauri)[ -]'; then
  echo "yitu-ui-state must stay testable natively: no web or IO crates" >&2; exit 1
fi

step "clippy (warnings are errors)"
cargo clippy --workspace --exclude yitu-ui --all-targets --quiet -- -D warnings
cargo clippy -p yitu-ui --target wasm32-unknown-unknown --quiet -- -D warnings

step "build: binaries the system tests drive, and the tests themselves"
# --all-targets builds with the same features as `cargo test` (dev-dependencies included), so the
# test step below reuses this build instead of compiling the dependency tree a second time.
cargo build --workspace --exclude yitu-ui --all-targets

step "tests: unit (the window's state in yitu-ui-state too), store, command line, end-to-end in the real webview"
# --nocapture: the end-to-end test prints its figures (cold start, memory) and screenshot paths.
cargo test --workspace --exclude yitu-ui -- --nocapture

step "benchmarks, smoke: each README benchmark that runs in seconds, at tiny sizes, so a broken one fails here"
cargo run -q -p yitu-server --example telemetry_bench -- 5 12 0

step "fuzz: a short run of each target from its seed corpus (scripts/fuzz.sh; crashes found before are in the corpus)"
YITU_FUZZ_SMOKE=1 ./scripts/fuzz.sh

step "done: all checks passed; screenshots in target/screenshots/"
