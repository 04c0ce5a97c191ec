#!/usr/bin/env bash
# One end-to-end session, run as: dbus-run-session -- bash scripts/e2e-session.sh [COMMAND...]
#  - fresh XDG data/config/cache/state dirs, so no keyring, WebKit storage or settings of an earlier
#    run (or of the person at the machine) leak in, and the album (XDG Pictures) is the artifacts dir;
#  - gnome-keyring's Secret Service started and unlocked on this private bus;
#  - Xvfb (xvfb-run -a) with WEBKIT_DISABLE_DMABUF_RENDERER=1;
#  - then COMMAND, by default the WebdriverIO journeys: npm test --workspace tests/e2e.
# SHEBAO_ARTIFACTS_DIR chooses where screenshots go (default tests/e2e/artifacts/<timestamp>).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/keyring.sh
source "$(dirname "$0")/lib/keyring.sh"

[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "run me inside a private bus: dbus-run-session -- bash scripts/e2e-session.sh"
for tool in xvfb-run xauth gnome-keyring-daemon dbus-send; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run scripts/setup.sh"
done
cd "$REPO_ROOT"

session_home="$(mktemp -d "${TMPDIR:-/tmp}/shebao-e2e-session.XXXXXX")"
cleanup() { rm -rf "$session_home"; }
trap cleanup EXIT
export XDG_DATA_HOME="$session_home/data" XDG_CONFIG_HOME="$session_home/config"
export XDG_CACHE_HOME="$session_home/cache" XDG_STATE_HOME="$session_home/state"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

export SHEBAO_ARTIFACTS_DIR="${SHEBAO_ARTIFACTS_DIR:-$REPO_ROOT/tests/e2e/artifacts/$(timestamp)}"
mkdir -p "$SHEBAO_ARTIFACTS_DIR/Pictures"
printf 'XDG_PICTURES_DIR="%s"\n' "$SHEBAO_ARTIFACTS_DIR/Pictures" >"$XDG_CONFIG_HOME/user-dirs.dirs"

unlock_keyring || die "gnome-keyring's Secret Service did not come up unlocked on the session bus"
log "e2e session: private D-Bus, gnome-keyring unlocked, XDG dirs in $session_home"

unset WAYLAND_DISPLAY
export GDK_BACKEND=x11 NO_AT_BRIDGE=1
export WEBKIT_DISABLE_DMABUF_RENDERER="${WEBKIT_DISABLE_DMABUF_RENDERER:-1}"

if [ $# -eq 0 ]; then
  set -- npm test --workspace tests/e2e
fi
xvfb-run -a -s "-screen 0 1280x1024x24" "$@"
