#!/usr/bin/env bash
# The MedLedger development network as native processes: an orderer organisation with one
# Raft orderer, HospitalA and HospitalB with a Fabric CA, a peer and a chaincode service
# each, and the channel `ehr`. Every command is idempotent.
#
#   network.sh up       build what is missing, start what is stopped, create and join the
#                       channel, deploy the chaincode; then print the status
#   network.sh deploy   deploy the chaincode as built now (the next sequence when changed)
#   network.sh status   each process and the channel height; exits 1 when one is down
#   network.sh down     stop every process, keep all data
#   network.sh reset    stop and wipe the network's data (identities, ledgers, channel)
#   network.sh stop SERVICE
#                       stop one service (as `status` names it), to try how the rest copes;
#                       `up` starts it again
#   network.sh enroll ORG NAME [ATTRS]
#                       register and enroll a client identity at ORG's CA (hospitala,
#                       hospitalb) with certificate attributes such as
#                       "ehr.role=doctor,ehr.uid=<uuid>"; prints the MSP folder
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
source "$NETWORK_DIR/scripts/crypto.sh"
source "$NETWORK_DIR/scripts/nodes.sh"
source "$NETWORK_DIR/scripts/channel.sh"
source "$NETWORK_DIR/scripts/chaincode.sh"

ALL_ORGS=(orderer "${HOSPITAL_ORGS[@]}")

network_services() {
  local org
  for org in "${ALL_ORGS[@]}"; do echo "ca-$org"; done
  echo orderer0
  for org in "${HOSPITAL_ORGS[@]}"; do echo "peer0-$org"; echo "chaincode-$org"; done
}

# What clients (the API, tests, benchmarks) need to reach the network, as JSON.
write_connection_profile() {
  local file="$FABRIC_RUN/network.json" org first=true
  {
    printf '{\n  "channel": "%s",\n  "chaincode": "%s",\n  "fabricVersion": "%s",\n' \
      "$CHANNEL_NAME" "$CHAINCODE_NAME" "$FABRIC_VERSION"
    printf '  "orderer": { "endpoint": "%s:%s", "tlsRootCert": "%s" },\n' \
      "$ORDERER_HOST" "$ORDERER_PORT" "$(orderer_tls_ca)"
    printf '  "organizations": {\n'
    for org in "${HOSPITAL_ORGS[@]}"; do
      $first || printf ',\n'; first=false
      printf '    "%s": {\n' "${org/hospital/hospital-}"
      printf '      "mspId": "%s",\n' "$(org_msp_id "$org")"
      # operationsUrl: the peer's operations listener (plain HTTP on loopback), which serves GET /version.
      printf '      "peer": { "endpoint": "%s:%s", "hostAlias": "%s", "tlsRootCert": "%s", "operationsUrl": "http://127.0.0.1:%s" },\n' \
        "$PEER_HOST" "$(org_setting "$org" PEER_PORT)" "$PEER_HOST" "$CRYPTO_DIR/$org/peers/peer0/tls/ca.crt" \
        "$(org_setting "$org" PEER_OPERATIONS_PORT)"
      printf '      "ca": { "url": "https://localhost:%s", "caName": "%s", "tlsRootCert": "%s", "registrarMsp": "%s" },\n' \
        "$(ca_port "$org")" "$(ca_name "$org")" "$(ca_tls_cert "$org")" "$CRYPTO_DIR/.registrars/$org/msp"
      printf '      "adminMsp": "%s",\n' "$CRYPTO_DIR/$org/users/admin/msp"
      printf '      "serviceIdentityMsp": "%s"\n    }' "$CRYPTO_DIR/$org/users/medledger-api/msp"
    done
    printf '\n  }\n}\n'
  } >"$file.tmp"
  mv "$file.tmp" "$file"
}

cmd_up() {
  local started=$SECONDS org
  bash "$PROJECT_DIR/scripts/build-binaries.sh" fabric fabric-ca
  mkdir -p "$FABRIC_RUN" "$LOG_DIR" "$PID_DIR"
  for org in "${ALL_ORGS[@]}"; do start_ca "$org"; done
  for org in "${ALL_ORGS[@]}"; do bootstrap_org_crypto "$org"; done
  render_peer_config
  start_orderer
  for org in "${HOSPITAL_ORGS[@]}"; do start_peer "$org"; done
  create_channel
  wait_for_raft_leader
  for org in "${HOSPITAL_ORGS[@]}"; do join_channel "$org"; done
  deploy_chaincode
  wait_for_gossip
  write_connection_profile
  log "network up in $((SECONDS - started)) s"
  cmd_status
}

cmd_deploy() {
  for org in "${HOSPITAL_ORGS[@]}"; do
    service_running "peer0-$org" || die "peer0-$org is not running: start the network with 'network.sh up'"
  done
  deploy_chaincode
  write_connection_profile
}

cmd_status() {
  local name down=0 pid org
  printf '%-22s %-9s %s\n' SERVICE STATE DETAIL
  while read -r name; do
    if pid="$(service_pid "$name")"; then
      printf '%-22s %-9s pid %s\n' "$name" running "$pid"
    else
      printf '%-22s %-9s see %s\n' "$name" STOPPED "$LOG_DIR/$name.log"
      down=1
    fi
  done < <(network_services)
  for org in "${HOSPITAL_ORGS[@]}"; do
    if service_running "peer0-$org"; then
      printf '%-22s %-9s height %s\n' "channel $CHANNEL_NAME" "@$org" "$(channel_height "$org" || echo '?')"
    fi
  done
  if ((down)); then
    echo "some services are stopped: 'network.sh up' starts them again" >&2
    return 1
  fi
}

cmd_down() {
  local name services=()
  mapfile -t services < <(network_services)
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do stop_service "${services[i]}"; done
}

cmd_enroll() {
  local org=${1:-} name=${2:-} attrs=${3:-}
  [[ $org == hospitala || $org == hospitalb ]] || die "enroll: ORG must be hospitala or hospitalb"
  [[ $name =~ ^[A-Za-z0-9._@-]+$ ]] || die "enroll: NAME must be letters, digits, '.', '_', '@' or '-'"
  service_running "ca-$org" || die "ca-$org is not running: start the network with 'network.sh up'"
  enroll_client "$org" "$name" "$attrs"
}

cmd_reset() {
  cmd_down
  rm -rf "$FABRIC_RUN"
  log "network data wiped"
}


case "${1:-}" in
  up) with_lock network cmd_up ;;
  deploy) with_lock network cmd_deploy ;;
  status) cmd_status ;;
  down) with_lock network cmd_down ;;
  reset) with_lock network cmd_reset ;;
  enroll) shift; cmd_enroll "$@" ;;
  stop)
    network_services | grep -qx "${2:-}" || die "stop: SERVICE must be one of: $(network_services | tr '\n' ' ')"
    stop_service "$2"
    ;;
  *) usage ;;
esac
