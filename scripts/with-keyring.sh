#!/usr/bin/env bash
# Inside a fresh D-Bus session (dbus-run-session -- bash scripts/with-keyring.sh CMD...): start and
# unlock gnome-keyring's Secret Service, then run CMD. Used by scripts/run.sh when the desktop has
# no Secret Service of its own.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/keyring.sh
source "$(dirname "$0")/lib/keyring.sh"

[ $# -gt 0 ] || die "usage: dbus-run-session -- bash scripts/with-keyring.sh COMMAND [ARGS...]"
if unlock_keyring; then
  log "gnome-keyring unlocked on this session bus"
else
  warn "could not unlock a default keyring (an existing login keyring with another password?); the app will keep secrets for this session only"
fi
cd "$REPO_ROOT"
"$@"
