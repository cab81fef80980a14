#!/usr/bin/env bash
# The development IPFS node: a private Kubo daemon that listens on loopback only, joins no
# network and dials nothing, and imports files exactly as the API's embedded Helia store
# does (CIDv1, raw leaves, 256 KiB chunks, at most 174 links per node). Every command is
# idempotent.
#
#   ipfs.sh up       build Kubo if missing, create the repository once, apply the private
#                    node's settings, start the daemon unless it runs; print the status
#   ipfs.sh status   whether the daemon runs, and its RPC API URL; exits 1 when it does not
#   ipfs.sh down     stop the daemon, keep the repository (pins and blocks)
#
# Environment: IPFS_API_PORT (5001), IPFS_GATEWAY_PORT (8089), IPFS_LOG_LEVEL (error).
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
source "$PROJECT_DIR/scripts/lib/services.sh"
source "$PROJECT_DIR/scripts/lib/binaries.sh"

IPFS_API_PORT="${IPFS_API_PORT:-5001}"
IPFS_GATEWAY_PORT="${IPFS_GATEWAY_PORT:-8089}"
export IPFS_PATH="$RUN_DIR/ipfs"
# Belt and braces next to the config key below: no usage report ever leaves the machine.
export IPFS_TELEMETRY=off
IPFS="$KUBO_BIN/ipfs"

# Config key and JSON value, applied each time `up` starts the daemon, so that a changed
# port or a repository made by an older script converges to the same node. Why, below.
kubo_settings() {
  cat <<EOF
Addresses.API                 "/ip4/127.0.0.1/tcp/$IPFS_API_PORT"
Addresses.Gateway             "/ip4/127.0.0.1/tcp/$IPFS_GATEWAY_PORT"
Addresses.Swarm               []
Addresses.Announce            []
Addresses.AppendAnnounce      []
AutoConf.Enabled              false
Bootstrap                     []
Peering.Peers                 []
Routing.Type                  "none"
Routing.DelegatedRouters      []
Ipns.DelegatedPublishers      []
DNS.Resolvers                 {}
Provide.Enabled               false
Import.FastProvideRoot        false
Discovery.MDNS.Enabled        false
AutoTLS.Enabled               false
AutoNAT.ServiceMode           "disabled"
Swarm.DisableNatPortMap       true
Swarm.EnableHolePunching      false
Swarm.RelayClient.Enabled     false
Swarm.RelayService.Enabled    false
HTTPRetrieval.Enabled         false
Version.SwarmCheckEnabled     false
Gateway.NoFetch               true
Gateway.NoDNSLink             true
Plugins.Plugins               {"telemetry":{"Config":{"Mode":"off"}}}
Import.CidVersion             1
Import.UnixFSRawLeaves        true
Import.UnixFSChunker          "size-262144"
Import.HashFunction           "sha2-256"
Import.UnixFSFileMaxLinks     174
EOF
}
# Why, in the order of the list:
# - API and gateway on loopback only: the RPC API has no authentication, anyone who reaches
#   it administers the node.
# - No swarm listener, no announced address, no bootstrap or peering peers, routing "none",
#   no delegated routers or IPNS publishers, no DNS-over-HTTPS resolvers, no providing,
#   no mDNS, AutoTLS, AutoNAT service, UPnP/NAT-PMP, hole punching, relays or HTTP block
#   retrieval: a node that holds medical ciphertext must not find, announce to or be found
#   by the public IPFS network, nor fetch blocks from it.
# - AutoConf off: Kubo 0.39 otherwise fetches conf.ipfs-mainnet.org at start and every 24 h
#   to fill "auto" placeholders (which `init --profile autoconf-off` already replaced).
# - SwarmCheck and telemetry off: both report or observe peers' versions and usage.
# - Gateway: serves only what the node holds and never looks up DNSLink.
# - Import: the import parameters that fix a file's CID, pinned so that `ipfs add` and the
#   API's embedded Helia store agree even if a later Kubo changes its defaults.

apply_settings() {
  local key value
  while read -r key value; do
    "$IPFS" config --json "$key" "$value" >/dev/null || die "could not set Kubo config $key=$value"
  done < <(kubo_settings)
}

init_repo() {
  if [[ -f $IPFS_PATH/config ]]; then
    return 0
  fi
  log "creating the IPFS repository in $IPFS_PATH"
  mkdir -p "$IPFS_PATH"
  # autoconf-off replaces the "auto" placeholders of a default config with empty lists.
  "$IPFS" init --empty-repo --profile autoconf-off >>"$LOG_DIR/ipfs.log" 2>&1 ||
    die "ipfs init failed (see $LOG_DIR/ipfs.log)"
}

wait_for_api() {
  local deadline=$((SECONDS + 30))
  # `ipfs id` goes through the running daemon's RPC API (found via $IPFS_PATH/api).
  until "$IPFS" --api "/ip4/127.0.0.1/tcp/$IPFS_API_PORT" id >/dev/null 2>&1; do
    service_running ipfs || die "the IPFS daemon exited during start (see $LOG_DIR/ipfs.log)"
    ((SECONDS < deadline)) || die "the IPFS RPC API did not answer within 30 s (see $LOG_DIR/ipfs.log)"
    sleep 0.2
  done
}

cmd_up() {
  bash "$PROJECT_DIR/scripts/build-binaries.sh" kubo
  mkdir -p "$LOG_DIR" "$PID_DIR"
  if service_running ipfs; then
    log "ipfs already running"
  else
    init_repo
    apply_settings
    if port_in_use "$IPFS_GATEWAY_PORT"; then
      die "port $IPFS_GATEWAY_PORT, needed by the IPFS gateway, is already in use by another program (see 'ss -ltnp'); set IPFS_GATEWAY_PORT"
    fi
    # --migrate=false: a repository of another version fails to start instead of fetching
    # migration binaries from the internet.
    start_service ipfs "$IPFS_API_PORT" \
      IPFS_PATH="$IPFS_PATH" IPFS_TELEMETRY=off GOLOG_LOG_LEVEL="${IPFS_LOG_LEVEL:-error}" \
      GOMAXPROCS="${GOMAXPROCS:-1}" \
      -- "$IPFS" daemon --migrate=false
    wait_for_api
    log "ipfs started"
  fi
  cmd_status
}

cmd_status() {
  local pid
  printf '%-22s %-9s %s\n' SERVICE STATE DETAIL
  if pid="$(service_pid ipfs)"; then
    printf '%-22s %-9s pid %s, API %s\n' ipfs running "$pid" "$(api_url)"
  else
    printf '%-22s %-9s see %s\n' ipfs STOPPED "$LOG_DIR/ipfs.log"
    echo "IPFS is stopped: 'scripts/ipfs.sh up' starts it" >&2
    return 1
  fi
}

# The RPC API URL of the running daemon as it bound it (the repository's `api` file).
api_url() {
  local addr
  addr="$(cat "$IPFS_PATH/api" 2>/dev/null || true)"
  if [[ $addr =~ ^/ip4/([0-9.]+)/tcp/([0-9]+)$ ]]; then
    printf 'http://%s:%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    printf 'http://127.0.0.1:%s' "$IPFS_API_PORT"
  fi
}

cmd_down() {
  stop_service ipfs
}


case "${1:-}" in
  up) with_lock ipfs cmd_up ;;
  status) cmd_status ;;
  down) with_lock ipfs cmd_down ;;
  *) usage ;;
esac
