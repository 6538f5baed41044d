#!/usr/bin/env bash
# Fuzzes what yitu reads from outside (RELIABILITY.md, "Fuzzing"): builds the targets in fuzz/
# with cargo-fuzz (libFuzzer; AddressSanitizer, debug assertions and overflow checks), then runs
# each for SECONDS (default 20) from its seed corpus fuzz/corpus/NAME, copied to a scratch corpus
# so a run never dirties the checkout. Prints per target the executions, executions per second,
# corpus size and crashes, and fails on any crash (a panic, an out-of-memory, a timeout or a
# sanitizer report), printing the crash file and the command that replays it.
#
#   scripts/fuzz.sh              # 20 s per target, release build with AddressSanitizer
#   scripts/fuzz.sh 600          # a soak: 10 minutes per target
#   scripts/fuzz.sh 120 wkb csv  # some targets only
#
# README's test command runs a short smoke (YITU_FUZZ_SMOKE=1: 10 s per target, a debug build
# without AddressSanitizer, which builds in a fraction of the time; yitu's readers are safe Rust,
# and the sanitizer's worth is in the C below them, SQLite and zstd, fuzzed by their own projects).
# The instrumented build lives with the cached tools (YITU_TOOLS/fuzz-target), outside the
# checkout, so a new clone on the same machine builds only yitu's own crates again.
set -euo pipefail
cd "$(dirname "$0")/.."

YITU_TOOLS="${YITU_TOOLS:-$HOME/.cache/yitu-tools}"
export PATH="$YITU_TOOLS/bin:$PATH"
if [ "${YITU_FUZZ_SMOKE:-0}" = 1 ]; then
  SECONDS_EACH="${1:-10}"; SANITIZER=none; PROFILE=dev
else
  SECONDS_EACH="${1:-20}"; SANITIZER="${YITU_FUZZ_SANITIZER:-address}"; PROFILE=release
fi
shift || true
TARGET_DIR="$YITU_TOOLS/fuzz-target"
CARGO_FUZZ_VERSION=0.13.1
step() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

# Cached with the setup script's tools, outside the checkout.
if ! { [ -x "$YITU_TOOLS/bin/cargo-fuzz" ] &&
  "$YITU_TOOLS/bin/cargo-fuzz" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; }; then
  step "cargo install cargo-fuzz $CARGO_FUZZ_VERSION (cached under $YITU_TOOLS)"
  cargo install --locked --root "$YITU_TOOLS" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# cargo-fuzz passes nightly flags (-Zsanitizer, sanitizer coverage); the stable compiler takes
# them when told it is building itself. Nothing else of the project's builds sees this.
export RUSTC_BOOTSTRAP=1
built=$(date +%s)
step "cargo fuzz build ($PROFILE, sanitizer $SANITIZER; a first build compiles every fuzzed crate's dependencies again, instrumented)"
# One target named: only it is built (cargo fuzz builds one or all).
only=()
[ ${#targets[@]} -eq 1 ] && only=("${targets[0]}")
profile_flag=()
[ "$PROFILE" = dev ] && profile_flag=(--dev)
(cd fuzz && cargo fuzz build --sanitizer "$SANITIZER" "${profile_flag[@]}" \
  --target-dir "$TARGET_DIR" "${only[@]}")
step "built in $(( $(date +%s) - built ))s"

bin_dir="$TARGET_DIR/x86_64-unknown-linux-gnu/$([ "$PROFILE" = dev ] && echo debug || echo release)"
runs="$TARGET_DIR/runs"
failed=()
printf '\n%-12s %12s %9s %14s %8s\n' target executions exec/s corpus crashes
for t in "${targets[@]}"; do
  work="$runs/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
  cp fuzz/corpus/"$t"/* "$work/corpus/"
  status=0
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a file that makes a reader take
  # 2 GB is a crash too (an out-of-memory), as it would be on a desk.
  TMPDIR="$work/tmp" "$bin_dir/$t" -max_total_time="$SECONDS_EACH" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" >"$work/log" 2>&1 || status=$?
  execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$work/log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $NF}' "$work/log")
  files=$(find "$work/corpus" -type f | wc -l)
  kb=$(( $(du -sk "$work/corpus" | cut -f1) ))
  crashes=$(find "$work/artifacts" -type f | wc -l)
  printf '%-12s %12s %9s %8s files %4s KB %6s\n' "$t" "${execs:-?}" "${rate:-?}" "$files" "$kb" "$crashes"
  if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    failed+=("$t")
    {
      echo "--- $t: exit status $status; its log ($work/log) ends:"
      tail -40 "$work/log"
      for f in "$work"/artifacts/*; do
        [ -f "$f" ] || continue
        echo "--- crash file $f ($(stat -c %s "$f") bytes); replay: $bin_dir/$t $f"
        head -c 512 "$f" | od -A d -t x1z | head -20
      done
    } >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]}" >&2
  exit 1
fi
step "no crashes (${#targets[@]} targets, ${SECONDS_EACH}s each)"
