# shellcheck shell=bash
# Secret Service helpers: the app keeps its device key and remembered identities in the OS keyring.
# Needs lib/common.sh sourced first and a D-Bus session bus (dbus-run-session).

_bus_call() {
  dbus-send --session --print-reply "$@" 2>/dev/null
}

# True when something owns org.freedesktop.secrets on the current session bus.
secret_service_running() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
  command -v dbus-send >/dev/null 2>&1 || return 1
  _bus_call --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets | grep -q 'boolean true'
}

# True when the keyring behind the "default" alias exists and is unlocked.
default_keyring_unlocked() {
  local path
  path="$(_bus_call --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.ReadAlias string:default | sed -n 's/.*object path "\(.*\)".*/\1/p')"
  [ -n "$path" ] && [ "$path" != "/" ] || return 1
  _bus_call --dest=org.freedesktop.secrets "$path" org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked | grep -q 'boolean false'
}

# Starts gnome-keyring's Secret Service on this bus and unlocks (creating if needed) the login
# keyring with $SHEBAO_KEYRING_PASSWORD, exporting the variables the daemon prints.
# Returns non-zero if the service or an unlocked default keyring is not there afterwards.
unlock_keyring() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "no D-Bus session bus: run this under dbus-run-session"
  command -v gnome-keyring-daemon >/dev/null 2>&1 || die "gnome-keyring-daemon is missing: run scripts/setup.sh"
  local out line
  out="$(printf '%s' "${SHEBAO_KEYRING_PASSWORD:-shebao}" | gnome-keyring-daemon --unlock --components=secrets)" ||
    die "gnome-keyring-daemon --unlock failed"
  while IFS= read -r line; do
    case "$line" in
      [A-Z_]*=*) export "${line?}" ;;
    esac
  done <<<"$out"
  for _ in $(seq 1 50); do
    if secret_service_running && default_keyring_unlocked; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
