#!/usr/bin/env bash
# Installs what building and testing Shebao needs on Debian 12, skipping whatever is present:
# Debian packages (WebKitGTK, WebKitWebDriver, Xvfb, D-Bus, gnome-keyring, zbar, fonts, ImageMagick),
# checks for Rust and Node, the npm workspaces (npm ci), tauri-driver and cargo-fuzz (cargo install).
# Safe to run again; runs as root, or uses sudo for apt when not root.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/schemathesis-venv.sh
source "$(dirname "$0")/lib/schemathesis-venv.sh"
cd "$REPO_ROOT"

MIN_RUST=1.90.0
MIN_NODE=20.19.0
TAURI_DRIVER_REQ='^2'

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config webkit2gtk-driver
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-1-dev zbar-tools fonts-noto-cjk imagemagick
  postgresql
  python3 python3-venv
)

# apt-get that waits for a dpkg/apt lock held by another apt (e.g. unattended upgrades) instead of failing.
apt_get() {
  local out attempt
  out="$(mktemp)"
  for attempt in $(seq 1 90); do
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1 | tee "$out"; then
      rm -f "$out"
      return 0
    fi
    if grep -qiE 'could not get lock|unable to acquire|unable to lock|is another process using it' "$out"; then
      warn "apt is busy (another apt or dpkg holds its lock); waiting (attempt $attempt)"
      sleep 10
      continue
    fi
    rm -f "$out"
    return 1
  done
  rm -f "$out"
  die "apt's lock was still held after 15 minutes"
}

install_apt_packages() {
  command -v dpkg-query >/dev/null 2>&1 || die "this script expects Debian (dpkg-query not found)"
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" != installed ]; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages: all ${#APT_PACKAGES[@]} present"
    return
  fi
  log "Debian packages to install: ${missing[*]}"
  apt_get update || die "apt-get update failed"
  apt_get install -y --no-install-recommends "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
}

check_rust() {
  if ! command -v cargo >/dev/null 2>&1 || ! command -v rustc >/dev/null 2>&1; then
    die "Rust is missing: install rustup and Rust >= $MIN_RUST (with rustfmt and clippy), then run this again"
  fi
  local have
  have="$(rustc --version | awk '{print $2}')"
  version_ge "${have%%-*}" "$MIN_RUST" || die "Rust $have is too old: Shebao needs Rust >= $MIN_RUST (rustup update stable)"
  local component
  for component in fmt clippy; do
    if ! cargo "$component" --version >/dev/null 2>&1; then
      if command -v rustup >/dev/null 2>&1; then
        log "adding the rustup component for cargo $component"
        rustup component add "$([ "$component" = fmt ] && echo rustfmt || echo clippy)" ||
          die "cargo $component is missing and rustup could not add it"
      else
        die "cargo $component is missing: install the rustfmt and clippy components"
      fi
    fi
  done
  log "Rust $have (needs >= $MIN_RUST): ok"
}

check_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "Node.js is missing: install Node >= $MIN_NODE with npm, then run this again"
  fi
  local have
  have="$(node --version)"
  have="${have#v}"
  version_ge "$have" "$MIN_NODE" || die "Node $have is too old: Shebao needs Node >= $MIN_NODE"
  log "Node $have, npm $(npm --version) (needs Node >= $MIN_NODE): ok"
}

install_npm_workspaces() {
  if [ ! -f package.json ]; then
    warn "no package.json at the repository root yet: skipping npm ci"
    return
  fi
  [ -f package-lock.json ] || die "package-lock.json is missing: run npm install at the repository root and commit the lock file"
  if [ -d node_modules ] && [ -f node_modules/.package-lock.json ] && ! [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm workspaces: node_modules is up to date with package-lock.json"
    return
  fi
  log "npm ci (root workspaces: frontend, tests/e2e)"
  npm ci --no-audit --no-fund || die "npm ci failed"
}

install_tauri_driver() {
  local listed
  listed="$(cargo install --list 2>/dev/null | sed -n 's/^tauri-driver v\([0-9][^:]*\):$/\1/p')"
  if command -v tauri-driver >/dev/null 2>&1; then
    if [ -n "$listed" ] && [ "${listed%%.*}" != 2 ]; then
      log "tauri-driver $listed is installed, but the harness needs 2.x: reinstalling"
      cargo install tauri-driver --locked --version "$TAURI_DRIVER_REQ" --force || die "cargo install tauri-driver failed"
      return
    fi
    log "tauri-driver ${listed:-(on PATH)}: present"
    return
  fi
  log "cargo install tauri-driver --locked --version $TAURI_DRIVER_REQ"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_REQ" || die "cargo install tauri-driver failed"
}

install_apt_packages
check_rust
check_node
install_npm_workspaces
install_tauri_driver
ensure_cargo_fuzz
ensure_schemathesis_venv
command -v WebKitWebDriver >/dev/null 2>&1 || die "WebKitWebDriver is not on PATH after installing webkit2gtk-driver"
log "setup: done"
