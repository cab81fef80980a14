#!/usr/bin/env bash
# The `ehr` channel: created on the orderer through the channel participation API (there is
# no system channel) and joined by both hospitals' peers. Sourced by network.sh.

channel_block() { echo "$FABRIC_RUN/channel/$CHANNEL_NAME.block"; }

osnadmin_as_orderer_admin() {
  local admin_tls="$CRYPTO_DIR/orderer-org/users/admin/tls"
  "$FABRIC_BIN/osnadmin" "$@" -o "$ORDERER_HOST:$ORDERER_ADMIN_PORT" \
    --ca-file "$(orderer_tls_ca)" --client-cert "$admin_tls/server.crt" --client-key "$admin_tls/server.key"
}

# osnadmin exits 0 whatever the HTTP status, so the status line decides.
orderer_has_channel() {
  osnadmin_as_orderer_admin channel list --channelID "$CHANNEL_NAME" 2>/dev/null | grep -q '^Status: 200'
}

create_channel() {
  if orderer_has_channel; then return 0; fi
  log "creating channel $CHANNEL_NAME"
  export CRYPTO_DIR ORDERER_HOST ORDERER_PORT PEER_HOST HOSPITALA_PEER_PORT HOSPITALB_PEER_PORT \
    BATCH_TIMEOUT BATCH_MAX_MESSAGES
  render_template "$NETWORK_DIR/config/configtx.yaml" "$CONFIG_DIR/configtx/configtx.yaml"
  mkdir -p "$(dirname "$(channel_block)")"
  FABRIC_CFG_PATH="$CONFIG_DIR/configtx" "$FABRIC_BIN/configtxgen" -profile EhrChannel \
    -channelID "$CHANNEL_NAME" -outputBlock "$(channel_block)" >>"$LOG_DIR/network.log" 2>&1 ||
    die "configtxgen failed (see $LOG_DIR/network.log)"
  osnadmin_as_orderer_admin channel join --channelID "$CHANNEL_NAME" --config-block "$(channel_block)" \
    >>"$LOG_DIR/network.log" 2>&1 || die "the orderer refused to join $CHANNEL_NAME (see $LOG_DIR/network.log)"
}

peer_has_channel() {
  as_org_admin "$1" "$FABRIC_BIN/peer" channel list 2>/dev/null | grep -qx "$CHANNEL_NAME"
}

join_channel() {
  local org=$1
  if peer_has_channel "$org"; then return 0; fi
  log "peer0.$org joins $CHANNEL_NAME"
  if [[ ! -f $(channel_block) ]]; then
    mkdir -p "$(dirname "$(channel_block)")"
    as_org_admin "$org" "$FABRIC_BIN/peer" channel fetch 0 "$(channel_block)" -c "$CHANNEL_NAME" \
      -o "$ORDERER_HOST:$ORDERER_PORT" --tls --cafile "$(orderer_tls_ca)" >>"$LOG_DIR/network.log" 2>&1 ||
      die "could not fetch the genesis block of $CHANNEL_NAME (see $LOG_DIR/network.log)"
  fi
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if as_org_admin "$org" "$FABRIC_BIN/peer" channel join -b "$(channel_block)" >>"$LOG_DIR/network.log" 2>&1; then
      return 0
    fi
    sleep 1
  done
  die "peer0.$org could not join $CHANNEL_NAME (see $LOG_DIR/network.log)"
}

# Height of the channel on an organisation's peer, or nothing when it cannot be read.
channel_height() {
  as_org_admin "$1" "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL_NAME" 2>/dev/null |
    sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# After a start the Raft orderer elects a leader (a few ticks); until then it refuses
# transactions with "no Raft leader". Waits for a leader of the channel.
wait_for_raft_leader() {
  local deadline=$((SECONDS + 60)) leaders
  while :; do
    leaders="$(curl -fsS "http://127.0.0.1:$ORDERER_OPERATIONS_PORT/metrics" 2>/dev/null |
      sed -n "s/^consensus_etcdraft_is_leader{channel=\"$CHANNEL_NAME\"} \([0-9]*\).*/\1/p")"
    [[ $leaders == 1 ]] && return 0
    ((SECONDS < deadline)) || die "the orderer has elected no Raft leader for $CHANNEL_NAME after 60 s (see $LOG_DIR/orderer0.log)"
    sleep 0.3
  done
}

# Peers learn of each other through gossip; until they do, the Gateway's service discovery
# finds no set of peers that satisfies "both hospitals endorse". Waits for that, per peer.
wait_for_gossip() {
  local org port known want=$((${#HOSPITAL_ORGS[@]} - 1)) deadline=$((SECONDS + 90))
  for org in "${HOSPITAL_ORGS[@]}"; do
    port="$(org_setting "$org" PEER_OPERATIONS_PORT)"
    while :; do
      known="$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null |
        sed -n "s/^gossip_membership_total_peers_known{channel=\"$CHANNEL_NAME\"} \([0-9]*\).*/\1/p")"
      [[ -n $known ]] && ((known >= want)) && break
      ((SECONDS < deadline)) || die "peer0.$org has not discovered the other hospitals' peers through gossip after 90 s (see $LOG_DIR/peer0-$org.log)"
      sleep 0.5
    done
  done
}
