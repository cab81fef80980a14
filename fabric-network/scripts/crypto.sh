#!/usr/bin/env bash
# Certificate authorities and the network's own identities. Every certificate of the
# network (peers, orderer, organisation admins, TLS) is issued by the organisation's Fabric
# CA, never by cryptogen, so that users can later be enrolled with attributes the same way.
# Sourced by network.sh after lib.sh.

start_ca() {
  local org=$1 home="$CA_DIR/$1" port
  port="$(ca_port "$org")"
  mkdir -p "$home"
  start_service "ca-$org" "$port" \
    FABRIC_CA_SERVER_HOME="$home" -- \
    "$FABRIC_CA_BIN/fabric-ca-server" start \
    -b "admin:$(secret "ca-$org-admin")" \
    --address "$LISTEN_HOST" --port "$port" \
    --ca.name "$(ca_name "$org")" \
    --csr.cn "$(ca_name "$org")" --csr.hosts "localhost,127.0.0.1,$PEER_HOST" \
    --tls.enabled \
    --operations.listenaddress "127.0.0.1:$(ca_operations_port "$org")"
}

# fabric_ca ORG SUBCOMMAND ARGS...: the CA client pointed at an organisation's CA.
fabric_ca() {
  local org=$1 command=$2; shift 2
  "$FABRIC_CA_BIN/fabric-ca-client" "$command" --caname "$(ca_name "$org")" \
    --tls.certfiles "$(ca_tls_cert "$org")" "$@" >>"$LOG_DIR/ca-client.log" 2>&1 ||
    die "fabric-ca-client $command at $(ca_name "$org") failed (see $LOG_DIR/ca-client.log)"
}

ca_url() { echo "https://$1@localhost:$(ca_port "$2")"; }

# Writes the NodeOU configuration that classifies an MSP's certificates as client, peer,
# admin or orderer by their OU, and gives every MSP one well-known CA certificate file.
write_msp_config() {
  local msp=$1 org=$2
  mkdir -p "$msp/cacerts"
  find "$msp/cacerts" -type f ! -name ca.pem -delete
  cp "$(ca_tls_cert "$org")" "$msp/cacerts/ca.pem"
  cat >"$msp/config.yaml" <<'EOF'
NodeOUs:
  Enable: true
  ClientOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: client }
  PeerOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: peer }
  AdminOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: admin }
  OrdererOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: orderer }
EOF
}

# Renames what the CA client wrote for a TLS enrollment to the names servers are given.
normalise_tls_dir() {
  local dir=$1
  cp "$dir"/signcerts/*.pem "$dir/server.crt"
  cp "$dir"/keystore/*_sk "$dir/server.key"
  cat "$dir"/tlscacerts/*.pem >"$dir/ca.crt"
}

# register_and_enroll ORG NAME TYPE DIR [extra register args]: a node or admin identity with
# a signing MSP in DIR/msp, and for peers, orderers and admins also a TLS pair in DIR/tls.
register_and_enroll() {
  local org=$1 name=$2 type=$3 dir=$4; shift 4
  local password; password="$(secret "$org-$name")"
  local registrar="$CRYPTO_DIR/.registrars/$org/msp"
  fabric_ca "$org" register -u "https://localhost:$(ca_port "$org")" --mspdir "$registrar" \
    --id.name "$name" --id.secret "$password" --id.type "$type" "$@"
  fabric_ca "$org" enroll -u "$(ca_url "$name:$password" "$org")" --mspdir "$dir/msp" \
    --csr.hosts "localhost,127.0.0.1,$PEER_HOST"
  write_msp_config "$dir/msp" "$org"
  fabric_ca "$org" enroll -u "$(ca_url "$name:$password" "$org")" --mspdir "$dir/tls" \
    --enrollment.profile tls --csr.hosts "localhost,127.0.0.1,$PEER_HOST"
  normalise_tls_dir "$dir/tls"
}

# Issues an organisation's identities once: its MSP (what the channel knows of it), one
# node (peer0 or orderer0) and one administrator. Safe to call again.
bootstrap_org_crypto() {
  local org=$1 dir; dir="$(org_crypto_dir "$org")"
  [[ -f $dir/.complete ]] && return 0
  log "issuing $org identities from $(ca_name "$org")"
  rm -rf "$dir" "$CRYPTO_DIR/.registrars/$org"
  mkdir -p "$dir" "$LOG_DIR"
  fabric_ca "$org" enroll -u "$(ca_url "admin:$(secret "ca-$org-admin")" "$org")" \
    --mspdir "$CRYPTO_DIR/.registrars/$org/msp"

  write_msp_config "$dir/msp" "$org"
  mkdir -p "$dir/msp/tlscacerts"
  cp "$(ca_tls_cert "$org")" "$dir/msp/tlscacerts/ca.pem"

  if [[ $org == orderer ]]; then
    register_and_enroll "$org" orderer0 orderer "$dir/orderers/orderer0"
  else
    register_and_enroll "$org" peer0 peer "$dir/peers/peer0"
  fi
  register_and_enroll "$org" "$org-admin" admin "$dir/users/admin"
  if [[ $org != orderer ]]; then
    # The API's own identity at this hospital: readiness checks and the ledger event
    # listener; it acts for no user and the chaincode grants it nothing.
    enroll_client "$org" medledger-api "ehr.role=service" >/dev/null
  fi
  touch "$dir/.complete"
}

# enroll_client ORG NAME [ATTRS]: registers and enrolls a client identity with certificate
# attributes ("ehr.role=doctor,ehr.uid=<uuid>"); prints its MSP folder.
enroll_client() {
  local org=$1 name=$2 attrs=${3:-}
  local dir="$CRYPTO_DIR/$org/users/$name" password ecert_attrs=()
  if [[ -n $attrs ]]; then
    # Attributes go into the enrollment certificate (":ecert"), where chaincode reads them.
    ecert_attrs=(--id.attrs "$(sed -E 's/(,|$)/:ecert\1/g' <<<"$attrs")")
  fi
  password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  fabric_ca "$org" register -u "https://localhost:$(ca_port "$org")" --mspdir "$CRYPTO_DIR/.registrars/$org/msp" \
    --id.name "$name" --id.secret "$password" --id.type client "${ecert_attrs[@]}"
  fabric_ca "$org" enroll -u "$(ca_url "$name:$password" "$org")" --mspdir "$dir/msp"
  write_msp_config "$dir/msp" "$org"
  echo "$dir/msp"
}
