#!/usr/bin/env bash
# bash scripts/bench.sh [--smoke]: builds in release mode, runs the Criterion benchmarks and the
# gateway under load on SQLite and on a throwaway PostgreSQL (10 thousand, 100 thousand and 1
# million people), and rewrites the generated part of BENCHMARKS.md. Takes about an hour on 2
# cores. --smoke: a debug build, tiny sizes, nothing rewritten (part of scripts/test.sh, so the
# harness can't rot).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

if [ "${1:-}" = "--smoke" ]; then
  cargo build -p shebao-gateway -p shebao-load --bins
  cargo test -p shebao-core -p shebao-certificate --benches
  exec bash scripts/with-postgres.sh python3 scripts/bench.py --smoke --bin-dir target/debug
fi

bash scripts/setup.sh
cargo build --release -p shebao-gateway -p shebao-load --bins
cargo bench -p shebao-core --bench core
cargo bench -p shebao-certificate --bench render
bash scripts/with-postgres.sh python3 scripts/bench.py --bin-dir target/release
