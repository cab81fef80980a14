#!/usr/bin/env bash
# The Chromium that the browser tests (test/browser) and `npm run bench:web` drive through
# playwright-core. Playwright's own browser download is impossible on these machines: the
# browser is Debian's `chromium` package, installed with apt-get when it is missing.
#
#   chromium.sh ensure   print the Chromium executable's path, installing Debian's
#                        chromium first when there is none (as root, or through sudo)
#   chromium.sh path     print the path when Chromium is installed (exit 1 when not)
#
# CHROMIUM_PATH in the environment names another executable to use instead.
set -euo pipefail

# The installed executable: Debian's (/usr/bin/chromium), else PATH's.
installed_chromium() {
  local candidate
  for candidate in /usr/bin/chromium "$(command -v chromium 2>/dev/null || true)"; do
    if [[ -n $candidate && -x $candidate ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# CHROMIUM_PATH when set (it must be an executable), else the installed one.
chromium_path() {
  if [[ -n ${CHROMIUM_PATH:-} ]]; then
    [[ -x $CHROMIUM_PATH ]] || fail "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
    echo "$CHROMIUM_PATH"
  else
    installed_chromium
  fi
}

fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# apt-get as root, or through sudo when it can run without asking for a password.
can_be_root() { ((EUID == 0)) || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }
as_root() { if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi; }

install_chromium() {
  command -v apt-get >/dev/null ||
    fail "Chromium is not installed and this machine has no apt-get: install Chromium with the system's package manager, or set CHROMIUM_PATH to a Chromium executable"
  can_be_root ||
    fail "Chromium is not installed and installing it needs root: run 'sudo apt-get install -y chromium' (Debian's package), or set CHROMIUM_PATH to a Chromium executable"
  printf '[%s] installing Debian'"'"'s chromium package (apt-get)\n' "$(date +%H:%M:%S)" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
    fail "apt-get update failed: the browser tests need Debian's chromium package (see the output above)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 ||
    fail "apt-get install chromium failed: the browser tests need Debian's chromium package (see the output above)"
}

ensure() {
  local path
  if [[ -n ${CHROMIUM_PATH:-} ]]; then
    path="$(chromium_path)" || exit 1
  elif ! path="$(installed_chromium)"; then
    install_chromium
    path="$(installed_chromium)" || fail "apt-get installed chromium, but there is no /usr/bin/chromium"
  fi
  # A browser that cannot start (a missing library) fails here, not in the middle of a suite.
  "$path" --version >/dev/null 2>&1 || fail "$path does not start: '$path --version' failed"
  echo "$path"
}

case "${1:-}" in
  ensure) ensure ;;
  path) chromium_path ;;
  *)
    echo "usage: $0 ensure|path" >&2
    exit 2
    ;;
esac
