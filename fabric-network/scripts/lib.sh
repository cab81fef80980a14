#!/usr/bin/env bash
# Shared settings and helpers of the local network scripts: pinned versions, paths, ports,
# logging and process supervision. Sourced, never run. Every setting can be overridden
# from the environment (see docs/configuration.md).

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_DIR="$(cd "$NETWORK_DIR/.." && pwd)"

FABRIC_VERSION=3.1.1
FABRIC_CA_VERSION=1.5.15
KUBO_VERSION=0.39.0

MEDLEDGER_CACHE="${MEDLEDGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/medledger}"
RUN_DIR="${MEDLEDGER_RUN_DIR:-$PROJECT_DIR/.run}"

FABRIC_BIN="$MEDLEDGER_CACHE/fabric-$FABRIC_VERSION/bin"
FABRIC_SAMPLE_CONFIG="$FABRIC_BIN/config"
FABRIC_CA_BIN="$MEDLEDGER_CACHE/fabric-ca-$FABRIC_CA_VERSION/bin"
KUBO_BIN="$MEDLEDGER_CACHE/kubo-$KUBO_VERSION/bin"

# Everything the network writes lives below one folder: wiped by `reset`, kept by `down`.
FABRIC_RUN="$RUN_DIR/fabric"
CRYPTO_DIR="$FABRIC_RUN/crypto"
CA_DIR="$FABRIC_RUN/ca"
DATA_DIR="$FABRIC_RUN/data"
CONFIG_DIR="$FABRIC_RUN/config"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"

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

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

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

# ---------------------------------------------------------------------------------------
# Process supervision. Each service runs detached (own session, no inherited terminal),
# logs to $LOG_DIR/<name>.log and is tracked by $PID_DIR/<name>.pid together with its
# executable, so that a stale pid reused by another program is never mistaken for ours.

service_pid() {
  local file="$PID_DIR/$1.pid" pid exe
  [[ -f $file ]] || return 1
  read -r pid exe <"$file" || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$exe")" ]] || return 1
  echo "$pid"
}

service_running() { service_pid "$1" >/dev/null; }

# Whether something listens on a local TCP port (ss when present: a probe connection would
# show up as a failed TLS handshake in the servers' logs).
port_in_use() {
  if command -v ss >/dev/null; then
    ss -Htln "sport = :$1" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# start_service NAME PORT VAR=value... -- COMMAND ARGS...
# Starts COMMAND with the given environment unless NAME already runs, then waits until it
# listens on PORT. Refuses clearly when another program holds the port.
start_service() {
  local name=$1 port=$2; shift 2
  local env_args=()
  while [[ $1 != -- ]]; do env_args+=("$1"); shift; done
  shift
  if service_running "$name"; then
    return 0
  fi
  if port_in_use "$port"; then
    die "port $port, needed by $name, is already in use by another program (see 'ss -ltnp'); stop it or choose another port (docs/configuration.md)"
  fi
  mkdir -p "$LOG_DIR" "$PID_DIR"
  local logfile="$LOG_DIR/$name.log" exe
  exe="$(command -v "$1")" || die "$name: cannot find $1"
  printf '\n===== %s starting %s\n' "$(date -u +%FT%TZ)" "$name" >>"$logfile"
  # fd 9 is the network lock: services must not inherit it.
  setsid env "${env_args[@]}" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  echo "$! $exe" >"$PID_DIR/$name.pid"
  wait_for_port "$name" "$port"
}

wait_for_port() {
  local name=$1 port=$2 deadline=$((SECONDS + ${3:-60}))
  local pid; read -r pid _ <"$PID_DIR/$name.pid"
  until port_in_use "$port"; do
    # Liveness by pid alone here: until it execs, the process is still `setsid`/`env`.
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start; last lines of $LOG_DIR/$name.log:"
      tail -n 20 "$LOG_DIR/$name.log" >&2
      die "$name did not start"
    fi
    ((SECONDS < deadline)) || die "$name did not listen on port $port within ${3:-60} s (see $LOG_DIR/$name.log)"
    sleep 0.2
  done
}

stop_service() {
  local name=$1 pid
  if pid="$(service_pid "$name")"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$PID_DIR/$name.pid"
}

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

# The project's own Node.js (>= 22, from the npm registry's `node` package), else PATH's.
NODE="$PROJECT_DIR/node_modules/.bin/node"
[[ -x $NODE ]] || NODE="$(command -v node || true)"

# json_field FIELD.PATH: reads JSON on stdin and prints one field (empty when absent).
json_field() {
  "$NODE" -e '
    let text = ""; process.stdin.on("data", (d) => (text += d)).on("end", () => {
      let value; try { value = JSON.parse(text); } catch { process.exit(0); }
      for (const part of process.argv[1].split(".")) value = value == null ? undefined : value[part];
      if (value !== undefined && value !== null) process.stdout.write(typeof value === "object" ? JSON.stringify(value) : String(value));
    });' "$1"
}
