#!/usr/bin/env bash
# Process supervision shared by every start script (network, database, IPFS, API): where
# the running system writes, logging, and detached services tracked by pid files.
# Sourced, never run; expects PROJECT_DIR to be set.

RUN_DIR="${MEDLEDGER_RUN_DIR:-$PROJECT_DIR/.run}"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"

# The project's own Node.js (>= 22, from the npm registry's `node` package), else PATH's.
NODE="$PROJECT_DIR/node_modules/.bin/node"
[[ -x $NODE ]] || NODE="$(command -v node || true)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Each service runs detached (own session, no inherited terminal),
# logs to $LOG_DIR/<name>.log and is tracked by $PID_DIR/<name>.pid together with its
# executable, so that a stale pid reused by another program is never mistaken for ours.

service_pid() {
  local file="$PID_DIR/$1.pid" pid exe
  [[ -f $file ]] || return 1
  read -r pid exe <"$file" || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A binary replaced on disk since (npm ci reinstalls node) reads as "<path> (deleted)".
  local running; running="$(readlink "/proc/$pid/exe" 2>/dev/null)"
  [[ "${running% (deleted)}" == "$exe" ]] || return 1
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
  # It listens, so it has exec'd through setsid/env/setpriv: record what it really runs.
  echo "$pid $(readlink -f "/proc/$pid/exe")" >"$PID_DIR/$name.pid"
}

# stop_service NAME [SIGNAL]: asks it to stop (TERM unless told), waits, then kills.
stop_service() {
  local name=$1 signal=${2:-TERM} pid
  if pid="$(service_pid "$name")"; then
    kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$PID_DIR/$name.pid"
}


# Prints the calling script's header comment (its usage) and exits 2.
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
}

# with_lock NAME COMMAND...: runs COMMAND while holding the lock NAME, so that a second
# `up` waits for the first. The lock is fd 9, which start_service keeps from services.
with_lock() {
  local name=$1; shift
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.$name.lock"
  flock 9
  "$@"
}
