#!/usr/bin/env bash
# Schemathesis, the property-based API tester that the contract suite (test/contract) runs
# against the OpenAPI document: a pinned version from PyPI, installed with pip into a
# virtualenv of its own in the per-user cache, one folder per version.
#
#   schemathesis.sh ensure        install it when missing; print the `schemathesis` executable
#   schemathesis.sh path          print the executable when installed (exit 1 when not)
#   schemathesis.sh run ARGS...   run it (installing it first), e.g. `run run --help`
#
# Needs Python >= 3.10 with its venv module (python3, or PYTHON naming another interpreter);
# on a Debian machine without it, the python3-venv package is installed with apt-get.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

MEDLEDGER_CACHE="${MEDLEDGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/medledger}"
VENV="$MEDLEDGER_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
EXECUTABLE="$VENV/bin/schemathesis"

fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# A Python of at least 3.10 (schemathesis 4 needs it).
python_interpreter() {
  local candidate
  for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
    [[ -n $candidate ]] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

can_be_root() { ((EUID == 0)) || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }
as_root() { if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi; }

# Debian's python3 comes without ensurepip: its python3-venv package adds it.
install_venv_module() {
  command -v apt-get >/dev/null && can_be_root ||
    fail "$1 cannot create a virtualenv (no venv/ensurepip module): install Python's venv module (Debian: apt-get install python3-venv), or set PYTHON to a Python >= 3.10 that has it"
  printf '[%s] installing Debian'"'"'s python3-venv package (apt-get)\n' "$(date +%H:%M:%S)" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || fail "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2 ||
    fail "apt-get install python3-venv failed (see the output above)"
}

installed() {
  [[ -x $EXECUTABLE ]] && [[ -f $VENV/.medledger-complete ]]
}

install() {
  local python
  python="$(python_interpreter)" || fail "schemathesis needs Python >= 3.10 (python3 on PATH, or PYTHON=/path/to/python)"
  "$python" -c 'import venv, ensurepip' 2>/dev/null || install_venv_module "$python"
  printf '[%s] installing schemathesis %s from PyPI into %s\n' "$(date +%H:%M:%S)" "$SCHEMATHESIS_VERSION" "$VENV" >&2
  # A half-made virtualenv (an interrupted install) is made again from nothing.
  rm -rf "$VENV"
  mkdir -p "$MEDLEDGER_CACHE"
  "$python" -m venv "$VENV" >&2 || fail "could not create the virtualenv $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "schemathesis==$SCHEMATHESIS_VERSION" >&2 ||
    fail "pip could not install schemathesis==$SCHEMATHESIS_VERSION from PyPI (see the output above)"
  "$EXECUTABLE" --version >/dev/null 2>&1 || fail "$EXECUTABLE does not start"
  touch "$VENV/.medledger-complete"
}

ensure() {
  installed || install
  echo "$EXECUTABLE"
}

case "${1:-}" in
  ensure) ensure ;;
  path)
    installed || exit 1
    echo "$EXECUTABLE"
    ;;
  run)
    shift
    installed || install
    exec "$EXECUTABLE" "$@"
    ;;
  *)
    echo "usage: $0 ensure|path|run [schemathesis arguments...]" >&2
    exit 2
    ;;
esac
