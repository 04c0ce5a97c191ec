#!/usr/bin/env bash
# Starts Shebao on its embedded sandbox (fictional people, simulated payment channels).
#  - With a display ($DISPLAY or $WAYLAND_DISPLAY): `npx tauri dev`, inside a private D-Bus session
#    with an unlocked gnome-keyring when the desktop has no Secret Service of its own.
#  - Without one: says so, builds the app, runs the end-to-end journey under Xvfb and prints the
#    folder with its screenshots (SHEBAO_ARTIFACTS_DIR, default artifacts/run-<timestamp>/).
# Extra arguments go to `tauri dev`.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/keyring.sh
source "$(dirname "$0")/lib/keyring.sh"
cd "$REPO_ROOT"

bash scripts/setup.sh

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  export WEBKIT_DISABLE_DMABUF_RENDERER="${WEBKIT_DISABLE_DMABUF_RENDERER:-1}"
  if secret_service_running; then
    log "starting the app on its embedded sandbox: npx tauri dev"
    exec npx --no-install tauri dev "$@"
  fi
  log "no Secret Service on this desktop session: starting the app in a private D-Bus session with gnome-keyring"
  exec dbus-run-session -- bash scripts/with-keyring.sh npx --no-install tauri dev "$@"
fi

log "No display: neither DISPLAY nor WAYLAND_DISPLAY is set, so no window can open here."
log "Instead: building the app and running the end-to-end journey (申报缴款套餐) in a virtual display (Xvfb)."
log "the first build takes several minutes; later runs reuse it."
npx --no-install tauri build --debug --no-bundle || die "building the app failed (npx tauri build --debug --no-bundle)"
cargo build -p shebao-certificate --bin shebao-verify -p shebao-gateway --bin shebao-gateway ||
  die "building the certificate verifier and the gateway failed (cargo build -p shebao-certificate --bin shebao-verify -p shebao-gateway --bin shebao-gateway)"

export SHEBAO_ARTIFACTS_DIR="${SHEBAO_ARTIFACTS_DIR:-$REPO_ROOT/artifacts/run-$(timestamp)}"
mkdir -p "$SHEBAO_ARTIFACTS_DIR"
status=0
dbus-run-session -- bash scripts/e2e-session.sh || status=$?

echo
if [ "$status" -eq 0 ]; then
  log "the journey passed. Screenshots (and any saved certificate image, under Pictures/) are in:"
else
  warn "the journey failed (exit $status). What it saw is in:"
fi
echo "  $SHEBAO_ARTIFACTS_DIR/"
find "$SHEBAO_ARTIFACTS_DIR" -maxdepth 1 -type f -name '*.png' -printf '    %P\n' | sort
certificates=$(find "$SHEBAO_ARTIFACTS_DIR/Pictures" -type f -name '*.png' 2>/dev/null | sort)
if [ -n "$certificates" ]; then
  log "the payment certificate the journey saved to the album (Pictures/社保缴费助手):"
  printf '  %s\n' $certificates
fi
exit "$status"
