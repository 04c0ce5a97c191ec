# shellcheck shell=bash
# The Python venv of the schemathesis run, `.venv-schemathesis` at the repository root, with
# the pinned packages of tests/schemathesis/requirements.txt from PyPI. Source after common.sh.

SCHEMATHESIS_VENV="$REPO_ROOT/.venv-schemathesis"
SCHEMATHESIS_REQUIREMENTS="$REPO_ROOT/tests/schemathesis/requirements.txt"

# Creates or updates the venv when the requirements changed since it was installed.
ensure_schemathesis_venv() {
  local python stamp want
  python="$(command -v python3.11 || command -v python3 || true)"
  [ -n "$python" ] || die "python3 (3.11 or later) is needed for the schemathesis run"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "$python is older than Python 3.11"
  stamp="$SCHEMATHESIS_VENV/.requirements.sha256"
  want="$(sha256sum "$SCHEMATHESIS_REQUIREMENTS" | cut -d' ' -f1)"
  if [ -x "$SCHEMATHESIS_VENV/bin/st" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "schemathesis venv: up to date"
    return
  fi
  log "schemathesis venv: installing $SCHEMATHESIS_REQUIREMENTS into $SCHEMATHESIS_VENV"
  "$python" -m venv "$SCHEMATHESIS_VENV" || die "cannot create $SCHEMATHESIS_VENV (Debian: apt-get install python3-venv)"
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check \
    --requirement "$SCHEMATHESIS_REQUIREMENTS" || die "pip install of the schemathesis packages failed"
  echo "$want" >"$stamp"
}
