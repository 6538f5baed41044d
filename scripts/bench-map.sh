#!/usr/bin/env bash
# Issue 3's map benchmark: 50,000 generated records (演示数据) in a scratch data folder, the real
# desktop app opened on it under Xvfb through tauri-driver, first paint and frame times of one
# camera path over the app's rendering, the map with its resource layers hidden (the floor) and DOM markers (the naive
# baseline). Builds what it needs, then prints figures. Arguments: [RECORDS] [MARKER_CAP_SECONDS].
# YITU_BENCH_PROFILE=release builds the shell, CLI and bench in release (default: debug, which
# costs the `resources` command several times its release time; the ui is always trunk --release).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${YITU_TOOLS:-$HOME/.cache/yitu-tools}/bin:$PATH"
profile="${YITU_BENCH_PROFILE:-debug}"
flag=(); [ "$profile" = release ] && flag=(--release)
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)
./scripts/build-ui.sh
cargo build "${flag[@]}" -p yitu-desktop -p yitu-cli
cargo build "${flag[@]}" -p yitu-bench --bin yitu-map-bench
target="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$target" YITU_BIN_DIR="$target/$profile"
echo "build profile: shell, CLI and bench $profile; ui trunk --release; $(nproc) cores; $(date -u +%FT%TZ)"
exec "$target/$profile/yitu-map-bench" "$@"
