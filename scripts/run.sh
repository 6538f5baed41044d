#!/usr/bin/env bash
# README's first command: installs whatever is missing, builds, and opens yitu on its data
# folder (the platform's, or --data-dir DIR / YITU_DATA_DIR). A first start loads the demo data.
# Extra arguments go to the app, e.g. `scripts/run.sh --data-dir /tmp/yitu-demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-ui.sh
cargo build -p yitu-desktop -p yitu-cli
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "[run] no display: starting the app on a virtual one (Xvfb). Screenshot it with: import -display :\$N -window root shot.png"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" ./target/debug/yitu-desktop "$@"
fi
exec ./target/debug/yitu-desktop "$@"
