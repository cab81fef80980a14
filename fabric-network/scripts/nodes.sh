#!/usr/bin/env bash
# The orderer and the peers as native processes: the release's sample configuration for
# defaults, this network's settings through the environment. Sourced by network.sh.

# core.yaml of the release with one change: the external builder is this project's own
# (fabric-network/builder), since peers here run without Docker.
render_peer_config() {
  mkdir -p "$CONFIG_DIR/peer"
  sed -e "s|name: ccaas_builder|name: medledger-ccaas|" \
    -e "s|path: /opt/hyperledger/ccaas_builder|path: $NETWORK_DIR/builder|" \
    "$FABRIC_SAMPLE_CONFIG/core.yaml" >"$CONFIG_DIR/peer/core.yaml"
  grep -q "path: $NETWORK_DIR/builder" "$CONFIG_DIR/peer/core.yaml" ||
    die "could not configure the external builder in core.yaml of Fabric $FABRIC_VERSION"
  mkdir -p "$CONFIG_DIR/orderer"
  cp "$FABRIC_SAMPLE_CONFIG/orderer.yaml" "$CONFIG_DIR/orderer/orderer.yaml"
}

# INFO, except the one line per gRPC call (several per transaction) that comm.grpc.server
# writes at INFO: an access log of the API's own calls, which the API logs itself.
DEFAULT_LOGGING_SPEC="info:comm.grpc.server=warning"
# One thread at a time runs Go code in each node (GOMAXPROCS; docs/configuration.md).
GO_THREADS="${GOMAXPROCS:-1}"

start_orderer() {
  local dir="$CRYPTO_DIR/orderer-org/orderers/orderer0"
  local tls="$dir/tls"
  mkdir -p "$DATA_DIR/orderer0"
  start_service orderer0 "$ORDERER_PORT" \
    FABRIC_CFG_PATH="$CONFIG_DIR/orderer" \
    FABRIC_LOGGING_SPEC="${ORDERER_LOGGING_SPEC:-$DEFAULT_LOGGING_SPEC}" \
    GOMAXPROCS="$GO_THREADS" \
    ORDERER_GENERAL_LISTENADDRESS="$LISTEN_HOST" \
    ORDERER_GENERAL_LISTENPORT="$ORDERER_PORT" \
    ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
    ORDERER_GENERAL_LOCALMSPDIR="$dir/msp" \
    ORDERER_GENERAL_TLS_ENABLED=true \
    ORDERER_GENERAL_TLS_PRIVATEKEY="$tls/server.key" \
    ORDERER_GENERAL_TLS_CERTIFICATE="$tls/server.crt" \
    ORDERER_GENERAL_TLS_ROOTCAS="[$tls/ca.crt]" \
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$tls/server.crt" \
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$tls/server.key" \
    ORDERER_GENERAL_CLUSTER_ROOTCAS="[$tls/ca.crt]" \
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
    ORDERER_CHANNELPARTICIPATION_ENABLED=true \
    ORDERER_ADMIN_LISTENADDRESS="$LISTEN_HOST:$ORDERER_ADMIN_PORT" \
    ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_PRIVATEKEY="$tls/server.key" \
    ORDERER_ADMIN_TLS_CERTIFICATE="$tls/server.crt" \
    ORDERER_ADMIN_TLS_ROOTCAS="[$tls/ca.crt]" \
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$tls/ca.crt]" \
    ORDERER_FILELEDGER_LOCATION="$DATA_DIR/orderer0/ledger" \
    ORDERER_CONSENSUS_WALDIR="$DATA_DIR/orderer0/etcdraft/wal" \
    ORDERER_CONSENSUS_SNAPDIR="$DATA_DIR/orderer0/etcdraft/snapshot" \
    ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$ORDERER_OPERATIONS_PORT" \
    ORDERER_METRICS_PROVIDER=prometheus \
    -- "$FABRIC_BIN/orderer"
}

start_peer() {
  local org=$1 port ops dir tls
  port="$(org_setting "$org" PEER_PORT)"
  ops="$(org_setting "$org" PEER_OPERATIONS_PORT)"
  dir="$CRYPTO_DIR/$org/peers/peer0"
  tls="$dir/tls"
  mkdir -p "$DATA_DIR/peer0.$org"
  start_service "peer0-$org" "$port" \
    FABRIC_CFG_PATH="$CONFIG_DIR/peer" \
    FABRIC_LOGGING_SPEC="${PEER_LOGGING_SPEC:-$DEFAULT_LOGGING_SPEC}" \
    GOMAXPROCS="$GO_THREADS" \
    CORE_PEER_ID="peer0.$org" \
    CORE_PEER_LISTENADDRESS="$LISTEN_HOST:$port" \
    CORE_PEER_ADDRESS="$PEER_HOST:$port" \
    CORE_PEER_CHAINCODELISTENADDRESS="$LISTEN_HOST:$((port + 1))" \
    CORE_PEER_CHAINCODEADDRESS="$PEER_HOST:$((port + 1))" \
    CORE_PEER_GOSSIP_BOOTSTRAP="$PEER_HOST:$port" \
    CORE_PEER_GOSSIP_EXTERNALENDPOINT="$PEER_HOST:$port" \
    CORE_PEER_GOSSIP_USELEADERELECTION=false \
    CORE_PEER_GOSSIP_ORGLEADER=true \
    CORE_PEER_GOSSIP_ALIVETIMEINTERVAL=2s \
    CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT=10s \
    CORE_PEER_GOSSIP_RECONNECTINTERVAL=3s \
    CORE_PEER_LOCALMSPID="$(org_msp_id "$org")" \
    CORE_PEER_MSPCONFIGPATH="$dir/msp" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_CERT_FILE="$tls/server.crt" \
    CORE_PEER_TLS_KEY_FILE="$tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="$tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="$DATA_DIR/peer0.$org" \
    CORE_PEER_GATEWAY_ENABLED=true \
    CORE_LEDGER_STATE_STATEDATABASE=goleveldb \
    CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE=true \
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="$DATA_DIR/peer0.$org/snapshots" \
    CORE_VM_ENDPOINT= \
    CORE_CHAINCODE_EXECUTETIMEOUT=30s \
    CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$ops" \
    CORE_METRICS_PROVIDER=prometheus \
    -- "$FABRIC_BIN/peer" node start
}

# Runs a peer CLI command as an organisation's administrator against its own peer.
as_org_admin() {
  local org=$1; shift
  local port; port="$(org_setting "$org" PEER_PORT)"
  FABRIC_CFG_PATH="$CONFIG_DIR/peer" \
    CORE_PEER_LOCALMSPID="$(org_msp_id "$org")" \
    CORE_PEER_MSPCONFIGPATH="$CRYPTO_DIR/$org/users/admin/msp" \
    CORE_PEER_ADDRESS="$PEER_HOST:$port" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_ROOTCERT_FILE="$CRYPTO_DIR/$org/peers/peer0/tls/ca.crt" \
    FABRIC_LOGGING_SPEC=WARN \
    "$@"
}

orderer_tls_ca() { echo "$CRYPTO_DIR/orderer-org/orderers/orderer0/tls/ca.crt"; }
