# shellcheck shell=bash
# A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, a server on
# 127.0.0.1 (a free port) and a private Unix socket folder, trust authentication for the
# superuser `shebao`, durability off (fsync) since the data dies with the run.
# Needs lib/common.sh sourced first. As root (CI), the server runs as the `postgres` system user,
# because initdb and postgres refuse to run as root.
#
#   postgres_start   exports SHEBAO_TEST_POSTGRES_URL=postgres://shebao@127.0.0.1:PORT/postgres
#   postgres_stop    stops the server and deletes the folder (safe to call twice)

_pg_dir=""
_pg_bin=""

# The bin folder of the newest installed PostgreSQL (Debian keeps them in
# /usr/lib/postgresql/<major>/bin, outside PATH), else wherever initdb is on PATH.
postgres_bin_dir() {
  local newest
  newest="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null |
    sort -V | tail -n1)"
  if [ -n "$newest" ]; then
    dirname "$newest"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  else
    return 1
  fi
}

# Runs a PostgreSQL tool as the cluster's owner.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_start() {
  _pg_bin="$(postgres_bin_dir)" || die "PostgreSQL is missing (initdb not found): run scripts/setup.sh"
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    die "running as root needs the postgres system user (Debian's postgresql package creates it)"
  fi
  # As root the server's user must reach the folder: /tmp, not a private $TMPDIR.
  local base="${TMPDIR:-/tmp}"
  [ "$(id -u)" -eq 0 ] && base=/tmp
  _pg_dir="$(mktemp -d "$base/shebao-postgres.XXXXXX")"
  mkdir -p "$_pg_dir/socket"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$_pg_dir"
  _pg_as_owner "$_pg_bin/initdb" --pgdata="$_pg_dir/data" --username=shebao --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$_pg_dir/initdb.log" 2>&1 ||
    { cat "$_pg_dir/initdb.log" >&2; die "initdb failed"; }
  local attempt port
  for attempt in 1 2 3 4 5; do
    # A random high port; if something holds it, the server can't bind and we try another.
    port=$((20000 + RANDOM % 30000))
    if _pg_as_owner "$_pg_bin/pg_ctl" --pgdata="$_pg_dir/data" --log="$_pg_dir/server.log" \
      --wait --timeout=60 start --options="-c listen_addresses=127.0.0.1 -c port=$port \
        -c unix_socket_directories=$_pg_dir/socket -c max_connections=300 -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
      export SHEBAO_TEST_POSTGRES_URL="postgres://shebao@127.0.0.1:$port/postgres"
      log "PostgreSQL $("$_pg_bin/postgres" --version | awk '{print $3}') listening: $SHEBAO_TEST_POSTGRES_URL (data in $_pg_dir)"
      return 0
    fi
    warn "PostgreSQL did not start on port $port (attempt $attempt)"
    tail -n 5 "$_pg_dir/server.log" >&2 || true
  done
  die "PostgreSQL would not start; its log: $_pg_dir/server.log"
}

postgres_stop() {
  [ -n "$_pg_dir" ] || return 0
  if [ -f "$_pg_dir/data/postmaster.pid" ]; then
    _pg_as_owner "$_pg_bin/pg_ctl" --pgdata="$_pg_dir/data" --mode=fast --wait stop >/dev/null 2>&1 ||
      warn "pg_ctl stop failed; the server may still run from $_pg_dir"
  fi
  rm -rf "$_pg_dir"
  _pg_dir=""
}
