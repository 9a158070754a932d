# shellcheck shell=bash
# deploy/datastores.sh — private PostgreSQL clusters and Redis servers for ./phonebill:
# the long-lived pair of `up` (under .run/) and the throwaway pair of `test` (under a
# mktemp directory). Both listen on 127.0.0.1 only, never on a Unix socket (no socket
# path-length or permission trouble), and PostgreSQL runs as an unprivileged user.
# Entry points: pg_find_bin, pg_init, pg_configure, pg_start, pg_stop, pg_running,
# pg_port_of, provision_databases, redis_start, redis_stop, redis_ping.

# Sets PG_BIN to the directory of initdb/pg_ctl (Debian keeps them off PATH). Dies when
# there is none, or returns 1 with --soft.
pg_find_bin() {
  local candidate
  for candidate in "${PHONEBILL_PG_BIN:-}" /usr/lib/postgresql/15/bin \
    "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")"; do
    if [[ -n $candidate && -x $candidate/initdb && -x $candidate/pg_ctl ]]; then
      PG_BIN=$candidate
      return 0
    fi
  done
  [[ ${1:-} == --soft ]] && return 1
  die "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql-15 or set PHONEBILL_PG_BIN"
}

# pg_init <data-dir> <auth: trust|scram> [superuser-password-file]: runs initdb as the
# cluster owner. The parent directory must exist and belong to the owner.
pg_init() {
  local data=$1 auth=$2 pwfile=${3:-}
  local -a args=(-D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --no-instructions)
  if [[ $auth == trust ]]; then
    args+=(--auth=trust --no-sync)
  else
    # The superuser password goes through a copy the owner can read, removed afterwards.
    local copy
    copy="$(dirname "$data")/.initdb-pw"
    install -m 600 "$pwfile" "$copy"
    chown_to_pg_owner "$copy"
    args+=(--auth=scram-sha-256 --pwfile="$copy")
  fi
  local rc=0
  as_pg_owner "$PG_BIN/initdb" "${args[@]}" >"$(dirname "$data")/initdb.log" 2>&1 || rc=$?
  [[ -n ${copy:-} ]] && rm -f "$copy"
  if ((rc != 0)); then
    show_log_tail "$(dirname "$data")/initdb.log"
    die "initdb failed for $data"
  fi
  # Our settings live in one file we rewrite on every start (see pg_configure).
  printf "\ninclude_if_exists = 'phonebill.conf'\n" >>"$data/postgresql.conf"
}

# pg_configure <data-dir> <port> [extra "name = value" lines...]: (re)writes
# phonebill.conf, read at the next start.
pg_configure() {
  local data=$1 port=$2
  shift 2
  {
    echo "# Written by ./phonebill on every start; edit the script, not this file."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = ''"
    echo "max_connections = 300"
    echo "password_encryption = 'scram-sha-256'"
    echo "log_timezone = 'UTC'"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$data/phonebill.conf"
  chown_to_pg_owner "$data/phonebill.conf"
}

# True when the cluster in <data-dir> is running (pg_ctl status).
pg_running() {
  [[ -f $1/PG_VERSION ]] || return 1
  as_pg_owner "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# Prints the port the running cluster listens on (line 4 of postmaster.pid).
pg_port_of() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }

# pg_start <data-dir> <port> <log-file>: starts the cluster and waits until it accepts
# connections (pg_ctl -w, then pg_isready). The log file must be writable by the owner.
pg_start() {
  local data=$1 port=$2 log=$3 timeout=${PHONEBILL_PG_START_TIMEOUT:-60}
  if port_in_use "$port"; then
    die "PostgreSQL port $port is already in use by another program; choose another with PHONEBILL_PG_PORT (see: ss -ltnp 'sport = :$port')"
  fi
  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t "$timeout" start >/dev/null {LOCK_FD}>&-; then
    show_log_tail "$log"
    die "PostgreSQL did not start (data $data, port $port)"
  fi
  local deadline=$((SECONDS + timeout))
  until pg_isready -q -h 127.0.0.1 -p "$port" -t 2; do
    if ((SECONDS >= deadline)); then
      show_log_tail "$log"
      die "PostgreSQL on port $port is not accepting connections after ${timeout}s"
    fi
    sleep 0.3
  done
}

# pg_stop <data-dir> <mode: fast|immediate>: stops the cluster if it runs; kills the
# postmaster as a last resort.
pg_stop() {
  local data=$1 mode=${2:-fast}
  pg_running "$data" || return 0
  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -m "$mode" -w -t 30 stop >/dev/null 2>&1; then
    local pid
    pid=$(sed -n 1p "$data/postmaster.pid" 2>/dev/null || true)
    if [[ -n $pid ]]; then
      warn "pg_ctl stop failed; killing postmaster $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
}

# One role per service, owner of its database, with a locally generated password that
# only that role may use to connect (CONNECT is revoked from PUBLIC). Idempotent.
provision_databases() {
  # Needs PG_PORT (the primary's port), SECRETS_DIR, SERVICE_NAMES and SVC_DB.
  local superuser_password=$1 name db password pgpass=$SECRETS_DIR/pgpass
  (umask 077 && echo "127.0.0.1:*:*:postgres:$superuser_password" >"$pgpass")
  for name in "${SERVICE_NAMES[@]}"; do
    db=${SVC_DB[$name]}
    [[ $db == - ]] && continue
    password=$(ensure_secret "$SECRETS_DIR/db-$db.password")
    echo "127.0.0.1:*:$db:$db:$password" >>"$pgpass"
    # PROVISION_ONLY / PROVISION_EXCEPT: space-separated database names (--ha keeps
    # kos-sim's database on a cluster of its own, deploy/ha/kos_postgres.sh).
    [[ -n ${PROVISION_ONLY:-} && " $PROVISION_ONLY " != *" $db "* ]] && continue
    [[ " ${PROVISION_EXCEPT:-} " == *" $db "* ]] && continue
    # The password travels on stdin, never on a command line.
    PGPASSFILE=$pgpass psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
      -U postgres -d postgres >/dev/null <<SQL || die "could not create role and database $db"
\\set db '$db'
\\set pw '$password'
SELECT format('CREATE ROLE %I LOGIN', :'db')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db') \\gexec
ALTER ROLE :"db" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
REVOKE CONNECT, TEMPORARY ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"db";
SQL
    # pg_partman (the history tables' monthly partitions, docs/history.md) is not a
    # trusted extension: the superuser creates it, in a schema the role owns, and lets
    # the role use it; the service's migration then finds it there.
    PGPASSFILE=$pgpass psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
      -U postgres -d "$db" >/dev/null 2>&1 <<SQL || die "could not create pg_partman in $db (is postgresql-15-partman installed?)"
\\set role '$db'
CREATE SCHEMA IF NOT EXISTS partman AUTHORIZATION :"role";
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
GRANT ALL ON ALL TABLES IN SCHEMA partman TO :"role";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA partman TO :"role";
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA partman TO :"role";
SQL
  done
  chmod 600 "$pgpass"
  info "databases and roles: $(for n in "${SERVICE_NAMES[@]}"; do [[ ${SVC_DB[$n]} != - ]] && printf '%s ' "${SVC_DB[$n]}"; done)"
}

# True when Redis answers PING on 127.0.0.1:<port>.
redis_ping() {
  [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

# redis_start <dir> <port> <pid-file> <log-file> [extra redis-server args...]:
# redis-server bound to 127.0.0.1, no persistence, in its own session (it outlives this
# script); waits for PING and fails at once if the server exits (port taken, ...).
redis_start() {
  local dir=$1 port=$2 pidfile=$3 log=$4
  shift 4
  if port_in_use "$port"; then
    die "Redis port $port is already in use by another program; choose another with PHONEBILL_REDIS_PORT (see: ss -ltnp 'sport = :$port')"
  fi
  mkdir -p "$dir"
  (exec setsid redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --dir "$dir" --daemonize no --pidfile "$pidfile" --logfile "$log" \
    --save '' --appendonly no "$@") </dev/null >/dev/null 2>&1 {LOCK_FD}>&- &
  local pid=$!
  echo "$pid" >"$pidfile"
  local deadline=$((SECONDS + 15))
  until redis_ping "$port"; do
    if ! process_alive "$pid"; then
      show_log_tail "$log" 10
      die "redis-server exited at start (port $port)"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$log"
      die "Redis on port $port does not answer PING after 15s"
    fi
    sleep 0.1
  done
}

# redis_stop <port> <pid-file>: SHUTDOWN NOSAVE, then SIGTERM/SIGKILL by pid if needed.
redis_stop() {
  local port=$1 pidfile=$2 pid=''
  [[ -f $pidfile ]] && pid=$(<"$pidfile")
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  if [[ -n $pid ]] && is_redis_pid "$pid"; then
    local deadline=$((SECONDS + 10))
    while process_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    process_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
  return 0
}

# True when <pid> is a live redis-server (guards against a recycled pid).
is_redis_pid() {
  process_alive "$1" && [[ $(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) == *redis-server* ]]
}

# pg_tls_settings <home>: TLS for the local cluster (SPEC §14), so the services' libpq runs
# with sslmode=verify-full as in production. A local CA, generated once into .run/secrets
# (pg-ca.crt, which the services trust, and its key), signs a server certificate for
# 127.0.0.1 and localhost kept in <home>/tls, outside the data directory so a restore
# leaves it alone; renewed when it no longer verifies or expires within a day. Prints the
# phonebill.conf lines that turn TLS on.
pg_tls_settings() {
  local dir=$1/tls ca=$SECRETS_DIR/pg-ca.crt ca_key=$SECRETS_DIR/pg-ca.key
  mkdir -p "$dir"
  if [[ ! -s $ca || ! -s $ca_key ]]; then
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -days 3650 -subj "/CN=phonebill local PostgreSQL CA" -keyout "$ca_key" -out "$ca" \
      >/dev/null 2>&1) || die "openssl could not create the local PostgreSQL CA"
    rm -f "$dir/server.crt"
  fi
  if [[ ! -s $dir/server.crt ]] || ! openssl verify -CAfile "$ca" "$dir/server.crt" >/dev/null 2>&1 ||
    ! openssl x509 -checkend 86400 -noout -in "$dir/server.crt" >/dev/null 2>&1; then
    (umask 077 &&
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 &&
      openssl x509 -req -in "$dir/server.csr" -CA "$ca" -CAkey "$ca_key" \
        -set_serial "0x$(openssl rand -hex 16)" -days 825 \
        -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n') \
        -out "$dir/server.crt" >/dev/null 2>&1) ||
      die "openssl could not create the PostgreSQL server certificate"
    rm -f "$dir/server.csr"
  fi
  chmod 644 "$dir/server.crt"
  chmod 600 "$dir/server.key"
  chown_to_pg_owner "$dir" "$dir/server.crt" "$dir/server.key"
  echo "ssl = on"
  echo "ssl_cert_file = '$dir/server.crt'"
  echo "ssl_key_file = '$dir/server.key'"
  echo "ssl_min_protocol_version = 'TLSv1.2'"
}

# The libpq URI parameters that make a service verify the local cluster's certificate.
pg_tls_client_parameters() {
  echo "sslmode=verify-full&sslrootcert=$SECRETS_DIR/pg-ca.crt"
}
