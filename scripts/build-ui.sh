#!/usr/bin/env bash
# Builds the ui (Leptos → wasm32, by trunk) into ui/dist, which the desktop binary embeds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${YITU_TOOLS:-$HOME/.cache/yitu-tools}/bin:$PATH"
(cd ui && trunk build --release)
