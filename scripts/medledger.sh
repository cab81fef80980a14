#!/usr/bin/env bash
# The two things a user does with a clone, behind `npm start` and `npm test`, plus stop and
# status. Every step is idempotent: running it again starts only what is not running.
#
#   medledger.sh start    build what is missing and start the whole system
#   medledger.sh test     start what the tests need, then type-check, lint and run every test
#   medledger.sh stop     stop every service, keep all data
#   medledger.sh status   what runs and what does not
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
cd "$PROJECT_DIR"
NETWORK="$PROJECT_DIR/fabric-network/network.sh"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# npm puts node_modules/.bin first on PATH, so this is the project's own Node (npm `node`).
require_node() {
  local version
  version="$(node -p 'process.versions.node' 2>/dev/null)" || die "Node.js is not installed"
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' ||
    die "Node.js $version is too old (need >= 22.12). Run 'npm ci' first: it installs the project's own Node, which 'npm start' and 'npm test' use."
}

start_system() {
  bash "$NETWORK" up
}

run_tests() {
  local started=$SECONDS
  if [[ ${CI:-} == true ]]; then
    # A CI machine is left as it was found: stop what the tests started, keep nothing running.
    trap 'bash "$NETWORK" down >/dev/null 2>&1 || true' EXIT
  fi
  log "type-checking"
  npm run --silent typecheck
  log "linting"
  eslint --max-warnings 0 .
  log "starting what the tests need"
  start_system
  log "running unit and integration tests"
  # Jest loads ES-module dependencies (@noble/curves of fabric-gateway) through Node's VM modules.
  NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --disable-warning=ExperimentalWarning" \
    jest --ci "$@"
  log "tests finished in $((SECONDS - started)) s"
}

case "${1:-}" in
  start)
    require_node
    start_system
    ;;
  test)
    shift
    require_node
    run_tests "$@"
    ;;
  stop) bash "$NETWORK" down ;;
  status) bash "$NETWORK" status ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
