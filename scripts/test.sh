#!/usr/bin/env bash
# Everything CI checks, in order, stopping at the first failure:
# setup → rustfmt → clippy → Rust tests (the gateway's on SQLite and on a throwaway PostgreSQL) →
# bounded fuzzing → schemathesis against the sandbox gateway → the benchmark harness's smoke run →
# frontend lint/typecheck/tests →
# e2e harness checks → debug build of the app → the end-to-end journeys (WebdriverIO + tauri-driver under Xvfb,
# in a private D-Bus session with an unlocked gnome-keyring).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

started=$(date +%s)
passed=()
current=""

elapsed() {
  local s=$(($(date +%s) - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$current" ]; then
    echo
    printf 'test.sh: FAILED at step "%s" (exit %d) after %s; passed before it: %s\n' \
      "$current" "$rc" "$(elapsed "$started")" "${passed[*]:-none}" >&2
    [ -n "${SHEBAO_ARTIFACTS_DIR:-}" ] && [ -d "$SHEBAO_ARTIFACTS_DIR" ] &&
      printf 'test.sh: e2e evidence (screenshots, tauri-driver.log) in %s\n' "$SHEBAO_ARTIFACTS_DIR" >&2
  fi
}
trap on_exit EXIT

step() {
  current="$1"
  shift
  local t0
  t0=$(date +%s)
  log "[$((${#passed[@]} + 1))] $current: $*"
  "$@"
  log "$current: ok ($(elapsed "$t0"))"
  passed+=("$current")
  current=""
}

require_file() {
  [ -e "$1" ] || die "$1 is missing: $2"
}

step "setup" bash scripts/setup.sh
require_file Cargo.toml "the Rust workspace is not there yet"
require_file package.json "the npm workspaces are not there yet"

step "rustfmt" cargo fmt --all -- --check
step "rustfmt (fuzz targets)" cargo fmt --manifest-path fuzz/Cargo.toml -- --check
step "clippy" cargo clippy --workspace --all-targets -- -D warnings
# The Rust tests run with a throwaway PostgreSQL cluster (SHEBAO_TEST_POSTGRES_URL), so the
# gateway's suite runs on PostgreSQL as well as SQLite.
if cargo nextest --version >/dev/null 2>&1; then
  step "rust tests (nextest, SQLite + PostgreSQL)" bash scripts/with-postgres.sh cargo nextest run --workspace
  step "rust doctests" cargo test --workspace --doc
  # The keyring tests (ignored by default) against a real Secret Service: gnome-keyring on a
  # private D-Bus session, with a throw-away keyring folder.
  step "keyring tests" env XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- bash scripts/with-keyring.sh \
    cargo nextest run -p shebao --run-ignored only -E 'test(keyring)'
else
  step "rust tests (SQLite + PostgreSQL)" bash scripts/with-postgres.sh cargo test --workspace
  step "keyring tests" env XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- bash scripts/with-keyring.sh \
    cargo test -p shebao --lib keyring -- --ignored
fi

step "fuzzing (8 s a target)" bash scripts/fuzz.sh
step "gateway API fuzzing (schemathesis)" bash scripts/schemathesis.sh
step "benchmark harness (smoke: tiny sizes, debug build)" bash scripts/bench.sh --smoke

step "frontend lint" npm run lint --workspace frontend
step "frontend typecheck" npm run typecheck --workspace frontend
step "frontend tests" npm test --workspace frontend

step "e2e typecheck" npm run typecheck --workspace tests/e2e
step "e2e support tests" npm run test:support --workspace tests/e2e

step "app build (debug)" npx --no-install tauri build --debug --no-bundle
step "verifier and gateway builds" cargo build -p shebao-certificate --bin shebao-verify -p shebao-gateway --bin shebao-gateway

export SHEBAO_ARTIFACTS_DIR="${SHEBAO_ARTIFACTS_DIR:-$REPO_ROOT/tests/e2e/artifacts/test-$(timestamp)}"
mkdir -p "$SHEBAO_ARTIFACTS_DIR"
step "e2e harness check" dbus-run-session -- bash scripts/e2e-session.sh npm run check-harness --workspace tests/e2e
step "e2e journeys (crash journey on PostgreSQL)" bash scripts/with-postgres.sh dbus-run-session -- bash scripts/e2e-session.sh
# 完税查询及证明补打 and 缴费查询及证明开具 run on a sandbox of their own (fresh data folders): after
# the journeys above, in their session, they fail (see README, Known limitations).
step "e2e journeys (account, payment query; own session)" env SHEBAO_ARTIFACTS_DIR="$SHEBAO_ARTIFACTS_DIR/own-session" \
  dbus-run-session -- bash scripts/e2e-session.sh npm test --workspace tests/e2e -- \
  --spec ./specs/tax-certificate.e2e.ts --spec ./specs/payment-query.e2e.ts

echo
joined="$(printf '%s, ' "${passed[@]}")"
printf 'test.sh: OK, all %d steps passed in %s (%s); e2e evidence in %s\n' \
  "${#passed[@]}" "$(elapsed "$started")" "${joined%, }" "$SHEBAO_ARTIFACTS_DIR"
