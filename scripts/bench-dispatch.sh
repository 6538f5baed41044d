#!/usr/bin/env bash
# Benchmark of the dispatch index against SpatiaLite and PostGIS (issue 5). Installs Debian's
# python3, libsqlite3-mod-spatialite and postgresql-15-postgis-3 if missing, uses the PostgreSQL on
# 127.0.0.1:5432 (override with YITU_BENCH_PG), and prints figures. Arguments: [POINTS] [QUERIES].
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
for p in python3 libsqlite3-mod-spatialite postgresql-15-postgis-3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p"; }
done
cargo run --release --quiet -p yitu-bench --bin yitu-bench -- "$@"
