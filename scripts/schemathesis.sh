#!/usr/bin/env bash
# Fuzzes a sandbox gateway through its own /openapi.json with schemathesis: every request signed
# by tests/schemathesis/hooks.py per docs/protocol.md, identity confirmed through the sandbox
# captcha answer. Fails on a 5xx, a response that does not match the document, or an operation
# that never answered a 2xx (tests/schemathesis/summary.py). Bounded: a few examples per operation.
#   SHEBAO_SCHEMATHESIS_EXAMPLES (default 8): examples per operation and phase.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/schemathesis-venv.sh
source "$REPO_ROOT/scripts/lib/schemathesis-venv.sh"
cd "$REPO_ROOT"

ensure_schemathesis_venv
log "protocol vectors (tests/schemathesis/protocol.py)"
"$SCHEMATHESIS_VENV/bin/python" tests/schemathesis/protocol.py

cargo build --quiet -p shebao-gateway --bin shebao-gateway
target_dir="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
work="$(mktemp -d)"
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ]; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$("$SCHEMATHESIS_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
origin="http://127.0.0.1:$port"
"$target_dir/debug/shebao-gateway" serve --database "$work/gateway.sqlite3" --bind "127.0.0.1:$port" \
  --sandbox --sandbox-date 2025-06-15 >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$origin/ready" >/dev/null 2>&1 && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.log" >&2; die "the gateway exited"; }
  sleep 0.2
done
curl -fsS "$origin/openapi.json" >"$work/openapi.json" || die "no /openapi.json at $origin"

started=$(date +%s)
status=0
# Run from the scratch folder: schemathesis leaves its own files in the current directory.
(cd "$work" && SHEBAO_GATEWAY="$origin" SHEBAO_SCHEMATHESIS_SUMMARY="$work/summary.json" \
  SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$REPO_ROOT/tests/schemathesis" \
  "$SCHEMATHESIS_VENV/bin/st" run "$origin/openapi.json" \
  --url "$origin" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${SHEBAO_SCHEMATHESIS_EXAMPLES:-8}" \
  --generation-database none \
  --request-timeout 10 \
  --seed "${SHEBAO_SCHEMATHESIS_SEED:-20250615}") || status=$?
log "schemathesis took $(($(date +%s) - started)) s"
"$SCHEMATHESIS_VENV/bin/python" tests/schemathesis/summary.py "$work/openapi.json" "$work/summary.json" || status=1
if [ "$status" -ne 0 ]; then
  warn "the gateway's log: $work/gateway.log (last lines below)"
  tail -n 30 "$work/gateway.log" >&2
fi
exit "$status"
