#!/usr/bin/env bash
# bash scripts/with-postgres.sh CMD...: start a throwaway PostgreSQL cluster, run CMD with
# SHEBAO_TEST_POSTGRES_URL pointing at it (the gateway's tests then run on PostgreSQL as well as
# SQLite), stop and delete the cluster when CMD ends, whatever its outcome.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/postgres.sh
source "$(dirname "$0")/lib/postgres.sh"

[ $# -gt 0 ] || die "usage: bash scripts/with-postgres.sh COMMAND [ARGS...]"
trap postgres_stop EXIT
postgres_start
cd "$REPO_ROOT"
"$@"
