#!/usr/bin/env bash
# Builds the fuzz targets in fuzz/ (cargo-fuzz, libFuzzer) and runs each for a bounded time,
# starting from the committed seeds in fuzz/seeds/<target>. Fails on the first crash, panic
# (a broken property is a panic) or timeout; libFuzzer writes the input to fuzz/artifacts/.
#
#   bash scripts/fuzz.sh                 every target, SHEBAO_FUZZ_SECONDS (default 8) each
#   bash scripts/fuzz.sh id_passport     the named targets only
#
# Runs on the stable toolchain: `-s none` builds without a sanitizer, which is the only part of
# cargo-fuzz that needs nightly `-Z` flags. shebao-core forbids `unsafe`, so AddressSanitizer
# would add nothing; debug assertions stay on so that an integer overflow is a crash.
# The grown corpus goes to $CARGO_TARGET_DIR/fuzz-corpus/<target> (not committed); its size and
# libFuzzer's executions per second are printed per target.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT/fuzz"

SECONDS_EACH="${SHEBAO_FUZZ_SECONDS:-8}"
BUILD_FLAGS=(--sanitizer none --debug-assertions)

ensure_cargo_fuzz

target_dir="${CARGO_TARGET_DIR:-$REPO_ROOT/fuzz/target}"
corpus_root="$target_dir/fuzz-corpus"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi
[ ${#targets[@]} -gt 0 ] || die "cargo fuzz list found no targets"

log "building ${#targets[@]} fuzz targets (${BUILD_FLAGS[*]})"
cargo fuzz build "${BUILD_FLAGS[@]}"

summary=()
for target in "${targets[@]}"; do
  seeds="seeds/$target"
  [ -d "$seeds" ] || die "no seeds for $target: add some under fuzz/$seeds"
  corpus="$corpus_root/$target"
  mkdir -p "$corpus"
  log "fuzzing $target for ${SECONDS_EACH}s"
  out="$(mktemp)"
  if ! cargo fuzz run "${BUILD_FLAGS[@]}" "$target" "$corpus" "$seeds" -- \
    -max_total_time="$SECONDS_EACH" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$out" 2>&1; then
    tail -n 60 "$out" >&2
    rm -f "$out"
    die "fuzz target $target failed: the crashing input is under fuzz/artifacts/$target"
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n1)"
  per_second="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out" | tail -n1)"
  rm -f "$out"
  files="$(find "$corpus" -type f | wc -l)"
  summary+=("$(printf '%-34s %10s runs %8s exec/s %6s corpus files' "$target" "$runs" "$per_second" "$files")")
done

log "fuzzing: all ${#targets[@]} targets ran ${SECONDS_EACH}s each without a crash"
printf '%s\n' "${summary[@]}"
