#!/usr/bin/env bash
# Shared settings and helpers of the local network scripts: pinned versions, paths, ports,
# logging and process supervision. Sourced, never run. Every setting can be overridden
# from the environment (see docs/configuration.md).

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_DIR="$(cd "$NETWORK_DIR/.." && pwd)"
source "$PROJECT_DIR/scripts/lib/services.sh"
source "$PROJECT_DIR/scripts/lib/binaries.sh"


# Everything the network writes lives below one folder: wiped by `reset`, kept by `down`.
FABRIC_RUN="$RUN_DIR/fabric"
CRYPTO_DIR="$FABRIC_RUN/crypto"
CA_DIR="$FABRIC_RUN/ca"
DATA_DIR="$FABRIC_RUN/data"
CONFIG_DIR="$FABRIC_RUN/config"

CHANNEL_NAME="${CHANNEL_NAME:-ehr}"
CHAINCODE_NAME="${CHAINCODE_NAME:-medledger}"
# Both hospitals must endorse every transaction of the MedLedger chaincode.
CHAINCODE_POLICY="AND('HospitalAMSP.peer','HospitalBMSP.peer')"

# Orderer batch settings: measured with bench/noop-submit.ts (docs/network.md).
BATCH_TIMEOUT="${BATCH_TIMEOUT:-20ms}"
BATCH_MAX_MESSAGES="${BATCH_MAX_MESSAGES:-100}"

# Listen on loopback unless told otherwise; clients and TLS names use PEER_HOST/ORDERER_HOST.
LISTEN_HOST="${LISTEN_HOST:-127.0.0.1}"
PEER_HOST="${PEER_HOST:-localhost}"
ORDERER_HOST="${ORDERER_HOST:-localhost}"

ORDERER_PORT="${ORDERER_PORT:-7050}"
ORDERER_ADMIN_PORT="${ORDERER_ADMIN_PORT:-7053}"
ORDERER_OPERATIONS_PORT="${ORDERER_OPERATIONS_PORT:-9443}"
ORDERER_CA_PORT="${ORDERER_CA_PORT:-9054}"

HOSPITALA_PEER_PORT="${HOSPITALA_PEER_PORT:-7051}"
HOSPITALA_PEER_OPERATIONS_PORT="${HOSPITALA_PEER_OPERATIONS_PORT:-9444}"
HOSPITALA_CA_PORT="${HOSPITALA_CA_PORT:-7054}"
HOSPITALA_CHAINCODE_PORT="${HOSPITALA_CHAINCODE_PORT:-7998}"

HOSPITALB_PEER_PORT="${HOSPITALB_PEER_PORT:-9051}"
HOSPITALB_PEER_OPERATIONS_PORT="${HOSPITALB_PEER_OPERATIONS_PORT:-9445}"
HOSPITALB_CA_PORT="${HOSPITALB_CA_PORT:-8054}"
HOSPITALB_CHAINCODE_PORT="${HOSPITALB_CHAINCODE_PORT:-9998}"

HOSPITAL_ORGS=(hospitala hospitalb)

export FABRIC_CA_CLIENT_HOME="$FABRIC_RUN/ca-client"

# Per-organisation settings, by organisation key (hospitala, hospitalb, orderer).
org_msp_id() {
  case $1 in hospitala) echo HospitalAMSP ;; hospitalb) echo HospitalBMSP ;; orderer) echo OrdererMSP ;; esac
}
org_upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }
org_setting() { local name; name="$(org_upper "$1")_$2"; printf '%s' "${!name}"; }
org_crypto_dir() { if [[ $1 == orderer ]]; then echo "$CRYPTO_DIR/orderer-org"; else echo "$CRYPTO_DIR/$1"; fi; }
ca_name() { echo "ca-$1"; }
ca_port() { org_setting "$1" CA_PORT; }
ca_operations_port() { echo $(($(ca_port "$1") + 10000)); }
ca_tls_cert() { echo "$CA_DIR/$1/ca-cert.pem"; }

# Renders a template, replacing ${NAME} with the value of the shell variable NAME.
render_template() {
  local template=$1 target=$2
  mkdir -p "$(dirname "$target")"
  perl -pe 's/\$\{(\w+)\}/exists $ENV{$1} ? $ENV{$1} : die "unset template variable $1\n"/ge' "$template" >"$target"
}

# A random secret, created once and kept in the run folder, so that a restarted network
# keeps working and nothing secret is committed.
secret() {
  local name=$1 file="$FABRIC_RUN/secrets/$1"
  if [[ ! -s $file ]]; then
    mkdir -p "$FABRIC_RUN/secrets"; chmod 700 "$FABRIC_RUN/secrets"
    (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$file")
  fi
  cat "$file"
}

# json_field FIELD.PATH: reads JSON on stdin and prints one field (empty when absent).
json_field() {
  "$NODE" -e '
    let text = ""; process.stdin.on("data", (d) => (text += d)).on("end", () => {
      let value; try { value = JSON.parse(text); } catch { process.exit(0); }
      for (const part of process.argv[1].split(".")) value = value == null ? undefined : value[part];
      if (value !== undefined && value !== null) process.stdout.write(typeof value === "object" ? JSON.stringify(value) : String(value));
    });' "$1"
}
