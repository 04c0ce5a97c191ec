# shellcheck shell=bash
# Shared helpers for scripts/*.sh. Source it; it defines functions and REPO_ROOT only.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

if [ -t 2 ]; then
  _c_info=$'\033[1;34m' _c_warn=$'\033[1;33m' _c_err=$'\033[1;31m' _c_off=$'\033[0m'
else
  _c_info='' _c_warn='' _c_err='' _c_off=''
fi

log() { printf '%s==>%s %s\n' "$_c_info" "$_c_off" "$*" >&2; }
warn() { printf '%swarning:%s %s\n' "$_c_warn" "$_c_off" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "$_c_err" "$_c_off" "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (not root, and sudo is not installed)"
  fi
}

# True when version $1 >= version $2 (dotted numbers).
version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# cargo-installed tools (tauri-driver) and rustup's cargo live here.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$cargo_bin:"*) ;;
  *) [ -d "$cargo_bin" ] && PATH="$cargo_bin:$PATH" ;;
esac
export PATH
unset cargo_bin

timestamp() { date +%Y%m%d-%H%M%S; }

# The cargo-fuzz that scripts/fuzz.sh builds the fuzz targets with (pinned; crates.io).
CARGO_FUZZ_VERSION=0.13.1

# Installs cargo-fuzz $CARGO_FUZZ_VERSION unless that version is already installed.
ensure_cargo_fuzz() {
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" = "$CARGO_FUZZ_VERSION" ]; then
    log "cargo-fuzz $CARGO_FUZZ_VERSION: present"
    return
  fi
  log "cargo install cargo-fuzz --locked --version $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --force ||
    die "cargo install cargo-fuzz failed"
}
