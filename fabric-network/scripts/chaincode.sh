#!/usr/bin/env bash
# Chaincode as a service through the full lifecycle: each hospital packages a `ccaas`
# package pointing at its own chaincode service, installs it on its peer and approves the
# definition; the definition is committed once both approved. The version is a digest of
# the built chaincode, so `deploy` after a code change is the upgrade to the next sequence,
# and `deploy` with nothing changed does nothing. Sourced by network.sh.

CHAINCODE_DIR="$PROJECT_DIR/chaincode"

build_chaincode() {
  [[ -d $PROJECT_DIR/node_modules/fabric-contract-api ]] ||
    die "chaincode dependencies are missing: run 'npm ci' in $PROJECT_DIR first"
  (cd "$CHAINCODE_DIR" && "$NODE" "$PROJECT_DIR/node_modules/typescript/bin/tsc" -p tsconfig.build.json) ||
    die "the chaincode does not compile"
}

# A digest of what the chaincode service runs: its compiled code, its manifest and the
# installed versions of the Fabric libraries it runs on.
chaincode_version() {
  (
    cd "$CHAINCODE_DIR" && find dist -type f -name '*.js' -print0 | sort -z | xargs -0 cat
    cat package.json "$PROJECT_DIR"/node_modules/{fabric-shim,fabric-contract-api}/package.json
  ) | sha256sum | cut -c1-12
}

chaincode_port() { org_setting "$1" CHAINCODE_PORT; }

# Writes the ccaas package of one organisation and prints its path.
package_chaincode() {
  local org=$1 version=$2
  local dir="$FABRIC_RUN/chaincode/$org/$version"
  local package="$dir/$CHAINCODE_NAME.tar.gz"
  if [[ ! -f $package ]]; then
    mkdir -p "$dir/src"
    printf '{"address":"%s:%s","dial_timeout":"10s","tls_required":false}\n' \
      "$PEER_HOST" "$(chaincode_port "$org")" >"$dir/src/connection.json"
    printf '{"type":"ccaas","label":"%s_%s"}\n' "$CHAINCODE_NAME" "$version" >"$dir/metadata.json"
    tar -C "$dir/src" -czf "$dir/code.tar.gz" connection.json
    tar -C "$dir" -czf "$package" metadata.json code.tar.gz
  fi
  echo "$package"
}

install_chaincode() {
  local org=$1 package=$2 package_id
  package_id="$(as_org_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "$package")" ||
    die "cannot compute the package id of $package"
  if ! as_org_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode queryinstalled --output json 2>/dev/null |
    grep -q "\"$package_id\""; then
    log "installing $package_id on peer0.$org"
    as_org_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode install "$package" >>"$LOG_DIR/network.log" 2>&1 ||
      die "install on peer0.$org failed (see $LOG_DIR/network.log)"
  fi
  echo "$package_id"
}

# Runs an organisation's chaincode service for a package id, replacing one that serves another.
start_chaincode_service() {
  local org=$1 package_id=$2 port name="chaincode-$1"
  port="$(chaincode_port "$org")"
  local id_file="$PID_DIR/$name.package-id"
  if service_running "$name" && [[ "$(cat "$id_file" 2>/dev/null)" != "$package_id" ]]; then
    stop_service "$name"
  fi
  start_service "$name" "$port" \
    CHAINCODE_SERVER_ADDRESS="$LISTEN_HOST:$port" CHAINCODE_ID="$package_id" \
    NODE_ENV=production CORE_CHAINCODE_LOGGING_LEVEL="${CHAINCODE_LOGGING_LEVEL:-warning}" -- \
    "$NODE" "$PROJECT_DIR/node_modules/fabric-shim/cli.js" server \
    --chaincode-address "$LISTEN_HOST:$port" --chaincode-id "$package_id" --module-path "$CHAINCODE_DIR"
  echo "$package_id" >"$id_file"
}

orderer_args() {
  echo -o "$ORDERER_HOST:$ORDERER_PORT" --tls --cafile "$(orderer_tls_ca)"
}

committed_field() {
  as_org_admin "$1" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL_NAME" \
    -n "$CHAINCODE_NAME" --output json 2>/dev/null | json_field "$2"
}

deploy_chaincode() {
  build_chaincode
  local version org sequence
  version="$(chaincode_version)"
  declare -A package_ids
  for org in "${HOSPITAL_ORGS[@]}"; do
    package_ids[$org]="$(install_chaincode "$org" "$(package_chaincode "$org" "$version")")"
    start_chaincode_service "$org" "${package_ids[$org]}"
  done

  if [[ "$(committed_field hospitala version)" == "$version" ]]; then
    return 0
  fi
  sequence=$(($(committed_field hospitala sequence || true) + 1))
  log "deploying chaincode $CHAINCODE_NAME version $version as sequence $sequence"
  local definition=(--channelID "$CHANNEL_NAME" --name "$CHAINCODE_NAME" --version "$version"
    --sequence "$sequence" --signature-policy "$CHAINCODE_POLICY")
  for org in "${HOSPITAL_ORGS[@]}"; do
    if as_org_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode checkcommitreadiness "${definition[@]}" \
      --output json 2>/dev/null | json_field "approvals.$(org_msp_id "$org")" | grep -q true; then
      continue
    fi
    # shellcheck disable=SC2046
    as_org_admin "$org" "$FABRIC_BIN/peer" lifecycle chaincode approveformyorg $(orderer_args) \
      "${definition[@]}" --package-id "${package_ids[$org]}" >>"$LOG_DIR/network.log" 2>&1 ||
      die "$org could not approve the chaincode definition (see $LOG_DIR/network.log)"
  done
  local endorsers=() 
  for org in "${HOSPITAL_ORGS[@]}"; do
    endorsers+=(--peerAddresses "$PEER_HOST:$(org_setting "$org" PEER_PORT)"
      --tlsRootCertFiles "$CRYPTO_DIR/$org/peers/peer0/tls/ca.crt")
  done
  # shellcheck disable=SC2046
  as_org_admin hospitala "$FABRIC_BIN/peer" lifecycle chaincode commit $(orderer_args) \
    "${definition[@]}" "${endorsers[@]}" >>"$LOG_DIR/network.log" 2>&1 ||
    die "committing the chaincode definition failed (see $LOG_DIR/network.log)"
  for org in "${HOSPITAL_ORGS[@]}"; do
    local deadline=$((SECONDS + 30))
    until [[ "$(committed_field "$org" version)" == "$version" ]]; do
      ((SECONDS < deadline)) || die "peer0.$org did not see the committed chaincode definition"
      sleep 0.5
    done
  done
}
