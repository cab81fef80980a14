#!/usr/bin/env bash
# The two things a user does with a clone, behind `npm start` and `npm test`, plus stop and
# status. Every step is idempotent: running it again starts only what is not running (and
# restarts the API on the code just built).
#
#   medledger.sh start    build what is missing and start the whole system
#   medledger.sh test     type-check, lint, start the whole system, run every test (Chromium
#                         installed from Debian's packages when missing, for the browser tests)
#   medledger.sh stop     stop every service, keep all data
#   medledger.sh status   what runs and what does not (exit 1 when something is down)
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
cd "$PROJECT_DIR"
source "$PROJECT_DIR/scripts/lib/services.sh"
NETWORK="$PROJECT_DIR/fabric-network/network.sh"

API_PORT="${PORT:-3000}"
CONTENT_STORE="${CONTENT_STORE:-kubo}"

# npm puts node_modules/.bin first on PATH, so this is the project's own Node (npm `node`).
require_node() {
  local version
  version="$(node -p 'process.versions.node' 2>/dev/null)" || die "Node.js is not installed"
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' ||
    die "Node.js $version is too old (need >= 22.12). Run 'npm ci' first: it installs the project's own Node, which 'npm start' and 'npm test' use."
}

# DATABASE_URL from the environment means "use that server"; otherwise the project's own.
start_database() {
  if [[ -z ${DATABASE_URL:-} ]]; then
    bash scripts/postgres.sh up
    DATABASE_URL="$(bash scripts/postgres.sh url)"
  fi
  export DATABASE_URL
}

start_content_store() {
  case $CONTENT_STORE in
    kubo)
      bash scripts/ipfs.sh up >/dev/null
      # The API talks to the node these scripts started, unless told otherwise.
      export IPFS_API_URL="${IPFS_API_URL:-http://127.0.0.1:${IPFS_API_PORT:-5001}}"
      ;;
    helia) log "content store: embedded Helia (no Kubo node started)" ;;
    *) die "CONTENT_STORE must be kubo or helia, not '$CONTENT_STORE'" ;;
  esac
  export CONTENT_STORE
}

random_base64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }

# The API's secrets for this machine, created once in .run/api (mode 600) unless given in
# the environment: the token key, the master key that seals private keys, and each
# hospital's first admin (README: "Signing in").
load_api_secrets() {
  local file="$RUN_DIR/api/secrets.env"
  if [[ ! -s $file ]]; then
    mkdir -p "$RUN_DIR/api"
    (
      umask 077
      {
        echo "JWT_SECRET=$(random_base64 48)"
        echo "MASTER_KEY=$(random_base64 32)"
        echo "BOOTSTRAP_ADMINS=hospital-a:admin@hospital-a.medledger.test:$(random_base64 18 | tr '+/' '-_'),hospital-b:admin@hospital-b.medledger.test:$(random_base64 18 | tr '+/' '-_')"
      } >"$file"
    )
  fi
  local line name file_master_key=
  while IFS= read -r line; do
    name="${line%%=*}"
    if [[ $name == MASTER_KEY ]]; then file_master_key="${line#*=}"; fi
    if [[ -z ${!name:-} ]]; then export "$line"; fi
  done <"$file"
  # The API takes its master keys from this file and follows it while it runs, so that
  # `npm run keys:rotate` can change them (docs/keys.md); not when the environment gives
  # another MASTER_KEY.
  if [[ -z ${MASTER_KEY_FILE:-} && ${MASTER_KEY:-} == "$file_master_key" ]]; then export MASTER_KEY_FILE="$file"; fi
}

# Node's flags for every API process, exported so that the suites' extra API processes
# (test/support/api-process.ts) start with the same. The V8 flag has the short-lived
# buffers of a streamed upload or read freed after every 4 MiB instead of after 64 MiB
# or more: docs/configuration.md, "The API's Node flags".
export API_NODE_FLAGS="--enable-source-maps --scavenger-max-new-space-capacity-mb=4"

start_api() {
  load_api_secrets
  log "building the API"
  nest build >/dev/null
  # The API serves the portal from web/dist (WEB_DIST_DIR); without a build its pages answer 503.
  if [[ -d web/src ]]; then
    log "building the portal"
    mkdir -p "$LOG_DIR"
    npm run --silent build -w web >"$LOG_DIR/web-build.log" 2>&1 ||
      die "the portal did not build: see $LOG_DIR/web-build.log"
  fi
  # Without an SMTP server the API writes its e-mails (activation and reset links) into
  # .run/mail, one .eml file each, readable by this machine's user only.
  if [[ -z ${SMTP_URL:-} ]]; then export MAIL_DROP_DIR="${MAIL_DROP_DIR:-$RUN_DIR/mail}"; fi
  stop_service api
  local node_flags
  read -ra node_flags <<<"$API_NODE_FLAGS"
  start_service api "$API_PORT" NODE_ENV="${NODE_ENV:-production}" -- \
    "$NODE" "${node_flags[@]}" api/dist/main.js
  log "API on http://127.0.0.1:$API_PORT/api/v1 (OpenAPI: /api/docs), portal on http://127.0.0.1:$API_PORT/"
}

# A second API on the same database and ledger, with the embedded Helia store instead of
# Kubo: the suites run the case-report tests against both content stores.
start_helia_api() {
  stop_service api-helia
  local node_flags
  read -ra node_flags <<<"$API_NODE_FLAGS"
  start_service api-helia "$((API_PORT + 1))" NODE_ENV="${NODE_ENV:-production}" PORT="$((API_PORT + 1))" \
    CONTENT_STORE=helia HELIA_REPO_PATH="$RUN_DIR/helia" -- \
    "$NODE" "${node_flags[@]}" api/dist/main.js
  export HELIA_API_URL="http://127.0.0.1:$((API_PORT + 1))"
}

start_system() {
  bash "$NETWORK" up >/dev/null
  start_database
  start_content_store
  start_api
}

stop_system() {
  stop_service api-helia
  stop_service api
  bash scripts/ipfs.sh down || true
  bash scripts/postgres.sh down || true
  bash "$NETWORK" down
}

status_system() {
  local down=0
  bash "$NETWORK" status || down=1
  bash scripts/postgres.sh status || down=1
  bash scripts/ipfs.sh status || down=1
  if service_running api; then echo "api running on 127.0.0.1:$API_PORT"; else echo "api STOPPED (see $LOG_DIR/api.log)"; down=1; fi
  return "$down"
}

run_tests() {
  local started=$SECONDS
  if [[ ${CI:-} == true ]]; then
    # A CI machine is left as it was found: stop what the tests started, keep nothing running.
    trap 'stop_system >/dev/null 2>&1 || true' EXIT
  fi
  log "type-checking"
  npm run --silent typecheck
  log "linting"
  eslint --max-warnings 0 .
  log "starting the system"
  # Half-done uploads are settled after 120 s by default; the fault suites wait for that.
  export RECOVERY_AFTER_SECONDS="${RECOVERY_AFTER_SECONDS:-10}"
  # The API mails a test SMTP server that the suites start themselves (test/support/smtp-server.ts);
  # until one listens, mail waits in the outbox, retried every second or two.
  export TEST_SMTP_PORT="${TEST_SMTP_PORT:-2525}"
  export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:$TEST_SMTP_PORT}"
  export MAIL_RETRY_BASE_SECONDS="${MAIL_RETRY_BASE_SECONDS:-1}"
  export MAIL_RETRY_MAX_SECONDS="${MAIL_RETRY_MAX_SECONDS:-2}"
  export MAIL_POLL_MS="${MAIL_POLL_MS:-200}"
  # The browser suites (test/browser) drive Debian's Chromium: installed with apt-get when missing.
  log "making sure Chromium is installed (browser tests)"
  CHROMIUM_PATH="$(bash scripts/chromium.sh ensure)"
  export CHROMIUM_PATH
  # The contract suite (test/contract) runs schemathesis, pinned, from PyPI into a virtualenv of its own.
  log "making sure schemathesis is installed (contract tests)"
  SCHEMATHESIS_PATH="$(bash scripts/schemathesis.sh ensure)"
  export SCHEMATHESIS_PATH
  # The suites check the FHIR facade's resources with HAPI FHIR's validator, offline
  # (test/support/fhir-validator.ts): its jars from Maven Central, compiled into the per-user cache.
  log "making sure the FHIR validator is built (FHIR tests)"
  FHIR_VALIDATOR_PATH="$(bash scripts/fhir-validator.sh ensure)"
  export FHIR_VALIDATOR_PATH
  start_system
  start_helia_api
  log "running unit, integration, end-to-end, browser and contract tests"
  # The suites register the PHI-like values they send (test/support/phi.ts) in a fresh list;
  # Jest leaves its counts to the closing line printed after the log scan.
  export MEDLEDGER_PHI_PROBES="$RUN_DIR/phi-probes.txt"
  local counts="$RUN_DIR/test-counts.json" jest_status=0 scan_status=0
  mkdir -p "$RUN_DIR"
  : >"$MEDLEDGER_PHI_PROBES"
  rm -f "$counts"
  # Jest loads ES-module dependencies (@noble/curves of fabric-gateway) through Node's VM
  # modules. In band: some suites stop and restart components that the others rely on.
  NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --disable-warning=ExperimentalWarning" \
    API_URL="http://127.0.0.1:$API_PORT" MEDLEDGER_TEST_COUNTS="$counts" jest --ci --runInBand "$@" || jest_status=$?
  # After every suite: no registered probe in any log under .run (nor in the ledger's block
  # files), in plain text or a common encoding. A probe found fails the test command and
  # counts as one failed test in the closing line.
  log "scanning every log under $RUN_DIR for the suites' PHI probes"
  tsx scripts/scan-logs-for-probes.ts "$RUN_DIR" "$MEDLEDGER_PHI_PROBES" || scan_status=$?
  log "tests finished in $((SECONDS - started)) s"
  # The closing line is the output's last: CI reads the counts from it.
  "$NODE" test/support/summary-reporter.cjs "$counts" "$scan_status"
  ((jest_status == 0)) || return "$jest_status"
  ((scan_status == 0 || scan_status == 3)) || return 1
}

case "${1:-}" in
  start)
    require_node
    start_system
    status_system
    ;;
  test)
    shift
    require_node
    run_tests "$@"
    ;;
  stop) stop_system ;;
  status) status_system ;;
  *) usage ;;
esac
