# shellcheck shell=bash
# deploy/ha/patroni.sh — three PostgreSQL 15 members under Patroni 3 (--ha): each member's
# patroni.yml is written from deploy/ha/patroni.yml.in on every start; the agents run as
# the PostgreSQL owner (deploy/common.sh), and the first one to win etcd's initialize key
# runs initdb while the others clone it. Roles come from Patroni's REST `GET /cluster`.

ha_pg_name() { echo "pg$1"; }
ha_patroni_url() { echo "http://127.0.0.1:$(ha_port "$HA_PATRONI_PORT" "$1")"; }

# The members' parent directory, which the PostgreSQL owner must be able to write: .run/ha
# unless the owner cannot reach the checkout (under /root), then /var/lib/phonebill/<hash>
# (the same rule as the single-copy cluster's pg_home).
ha_pg_home() {
  local link=$HA_DIR/postgres
  if [[ -L $link || -d $link ]]; then
    readlink -f "$link"
    return
  fi
  mkdir -p "$link"
  chown_to_pg_owner "$link"
  if ! as_pg_owner test -w "$link"; then
    rmdir "$link"
    local outside
    outside=/var/lib/phonebill/$(printf "%s" "$RUN_DIR" | sha256sum | cut -c1-12)/ha-postgres
    mkdir -p "$outside"
    chmod 755 /var/lib/phonebill "$(dirname "$outside")"
    chown_to_pg_owner "$outside"
    ln -s "$outside" "$link"
  fi
  readlink -f "$link"
}

# ha_patroni_configure <member>: writes <member dir>/patroni.yml (mode 600, owner's).
ha_patroni_configure() {
  local i=$1 name dir
  name=$(ha_pg_name "$i")
  dir=$(ha_pg_home)/$name
  mkdir -p "$dir"
  local superuser replication rewind
  superuser=$(ensure_secret "$SECRETS_DIR/postgres.password")
  replication=$(ensure_secret "$SECRETS_DIR/ha-replication.password")
  rewind=$(ensure_secret "$SECRETS_DIR/ha-rewind.password")
  # The members' TLS certificate (one for all: its name is 127.0.0.1), made or renewed
  # here, and a copy of the CA's certificate the agents (the PostgreSQL owner, who cannot
  # read .run/secrets) verify it with.
  local tls
  tls=$(ha_pg_home)/tls
  pg_tls_settings "$(ha_pg_home)" >/dev/null || exit 1
  install -m 644 "$SECRETS_DIR/pg-ca.crt" "$tls/ca.crt"
  # The secrets are hex (ensure_secret), so sed sees no special character in them.
  (umask 077 && sed -e "s|@NAME@|$name|g" \
    -e "s|@REST_PORT@|$(ha_port "$HA_PATRONI_PORT" "$i")|g" \
    -e "s|@PG_PORT@|$(ha_port "$HA_PG_PORT" "$i")|g" \
    -e "s|@ETCD_HOSTS@|$(ha_etcd_hosts)|g" \
    -e "s|@DATA_DIR@|$dir/data|g" -e "s|@MEMBER_DIR@|$dir|g" -e "s|@BIN_DIR@|$PG_BIN|g" \
    -e "s|@SUPERUSER_PASSWORD@|$superuser|g" \
    -e "s|@REPLICATION_PASSWORD@|$replication|g" \
    -e "s|@REWIND_PASSWORD@|$rewind|g" \
    -e "s|@TLS_DIR@|$tls|g" -e "s|@TLS_CA@|$tls/ca.crt|g" \
    -e "s|@ARCHIVE_COMMAND@|$(ha_backup_archive_command "$i")|g" \
    "$ROOT/deploy/ha/patroni.yml.in" >"$dir/patroni.yml")
  chown_to_pg_owner "$dir"
  chmod 700 "$dir"
}

# The JSON of `GET /cluster` from the first member that answers (empty when none does).
ha_patroni_cluster() {
  local i
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    curl -fsS --max-time 2 "$(ha_patroni_url "$i")/cluster" 2>/dev/null && return 0
  done
  return 1
}

# The port of the member Patroni calls leader (the primary); fails when there is none.
ha_pg_primary_port() {
  local port
  port=$(ha_patroni_cluster | jq -r '[.members[] | select(.role == "leader" and .state == "running")][0].port // empty' 2>/dev/null)
  [[ -n $port ]] && echo "$port"
}

# True when <member> is the running leader.
ha_patroni_leads() {
  [[ $(ha_pg_primary_port) == "$(ha_port "$HA_PG_PORT" "$1")" ]]
}

# True when a leader runs and every member is running or streaming.
ha_patroni_settled() {
  local json
  json=$(ha_patroni_cluster) || return 1
  [[ $(jq -r --argjson n "$HA_MEMBERS" '[.members[] | select(.state == "running" or .state == "streaming")] | length == $n and (map(select(.role == "leader")) | length == 1)' <<<"$json" 2>/dev/null) == true ]]
}

# ha_patroni_start [<member>]: starts every member's agent that is not running and waits
# for a leader with all members streaming; given one member, starts that one only and
# waits for it to lead (ha_restore starts the restored member before the empty ones, which
# would otherwise race it to bootstrap a new cluster).
ha_patroni_start() {
  local only=${1:-}
  pg_find_bin
  ensure_pg_system_user
  # The members' archive_command names this configuration (deploy/ha/pgbackrest.sh).
  ha_backup_write_config
  local i name
  HA_PATRONI_RESPAWNS=0
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    [[ -z $only || $only == "$i" ]] || continue
    name=$(ha_pg_name "$i")
    if ha_live_pid "$HA_PIDS/$name.pid" patroni >/dev/null; then
      info "$name already running (Patroni $(ha_patroni_url "$i"))"
      continue
    fi
    local port
    local -a ports=("$(ha_port "$HA_PATRONI_PORT" "$i")")
    # A member's own PostgreSQL already running (ha_restore's) is adopted, not a conflict.
    pg_running "$(ha_pg_home)/$name/data" || ports+=("$(ha_port "$HA_PG_PORT" "$i")")
    for port in "${ports[@]}"; do
      if port_in_use "$port"; then
        die "port $port is in use by another program (PHONEBILL_HA_PG_PORT / PHONEBILL_HA_PATRONI_PORT)"
      fi
    done
    ha_patroni_spawn "$i"
    info "started $name: PostgreSQL 127.0.0.1:$(ha_port "$HA_PG_PORT" "$i"), Patroni $(ha_patroni_url "$i") (log .run/logs/ha-$name.log)"
  done
  if [[ -n $only ]]; then
    ha_wait 180 "$(ha_pg_name "$only") as leader" ha_patroni_respawn_then ha_patroni_leads "$only" ||
      { show_log_tail "$LOGS_DIR/ha-$(ha_pg_name "$only").log" 20; die "$(ha_pg_name "$only") did not become the leader"; }
    return 0
  fi
  # A first bootstrap (initdb, then two base backups) takes a while on 2 cores.
  if ! ha_wait 180 "Patroni cluster" ha_patroni_respawn_then ha_patroni_settled; then
    show_log_tail "$LOGS_DIR/ha-pg1.log" 20
    die "the Patroni cluster has no running leader with all members streaming"
  fi
}

# ha_patroni_spawn <member>: writes its patroni.yml and starts its agent.
ha_patroni_spawn() {
  local i=$1 name log
  name=$(ha_pg_name "$i")
  ha_patroni_configure "$i"
  log=$(ha_pg_home)/$name/patroni.log
  touch "$log"
  chown_to_pg_owner "$log"
  ln -sfn "$log" "$LOGS_DIR/ha-$name.log"
  # HOME is the member's directory: libpq (TLS) looks for ~/.postgresql/postgresql.crt,
  # and the PostgreSQL owner may not read the HOME of whoever ran ./phonebill.
  ha_spawn "$HA_PIDS/$name.pid" "$log" pg env "HOME=$(ha_pg_home)/$name" \
    patroni "$(ha_pg_home)/$name/patroni.yml"
}

# ha_patroni_respawn_then <check...>: starts again, up to 3 times in all, an agent that
# exited since ha_patroni_start started it, then runs the check. An agent exits when its
# REST port is taken at the moment it binds: the --ha ports may lie in the kernel's
# ephemeral range (32768-60999), where any client connection can hold one for a while.
ha_patroni_respawn_then() {
  local i name
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    name=$(ha_pg_name "$i")
    [[ -f $HA_PIDS/$name.pid ]] || continue # not started by us
    ha_live_pid "$HA_PIDS/$name.pid" patroni >/dev/null && continue
    ((HA_PATRONI_RESPAWNS < 3)) || continue
    port_in_use "$(ha_port "$HA_PATRONI_PORT" "$i")" && continue
    HA_PATRONI_RESPAWNS=$((HA_PATRONI_RESPAWNS + 1))
    warn "$name's Patroni exited (log .run/logs/ha-$name.log); starting it again"
    ha_patroni_spawn "$i"
  done
  "$@"
}

# Replicas first, the leader last: stopping the leader while replicas still run would
# make one of them take over on the way down.
ha_patroni_stop() {
  local json leader='' i name
  json=$(ha_patroni_cluster || true)
  leader=$(jq -r '[.members[] | select(.role == "leader")][0].name // empty' <<<"$json" 2>/dev/null || true)
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    name=$(ha_pg_name "$i")
    [[ $name == "$leader" ]] || ha_stop_pid "$HA_PIDS/$name.pid" patroni 40 &
  done
  wait
  [[ -n $leader ]] && ha_stop_pid "$HA_PIDS/$leader.pid" patroni 40
  # A postmaster left behind by a killed agent (kill -9 of Patroni alone).
  local data pid
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    data=$(ha_pg_home)/$(ha_pg_name "$i")/data
    pid=$(sed -n 1p "$data/postmaster.pid" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] && process_alive "$pid" &&
      [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *postgres* ]]; then
      pg_find_bin
      pg_stop "$data" fast
    fi
  done
}

# One status row per member: role primary (Patroni's leader) or replica; pid is the
# Patroni agent's (killing it with its postgres is a node's death).
ha_patroni_status() {
  local json i name pid role state member
  json=$(ha_patroni_cluster || true)
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    name=$(ha_pg_name "$i")
    pid=$(ha_live_pid "$HA_PIDS/$name.pid" patroni || true)
    member=$(jq -c --arg n "$name" '.members[]? | select(.name == $n)' <<<"$json" 2>/dev/null || true)
    role=replica state=stopped
    if [[ -n $pid && -n $member ]]; then
      [[ $(jq -r .role <<<"$member") == leader ]] && role=primary
      case $(jq -r .state <<<"$member") in
        running | streaming) state=ready ;;
        *) state=$(jq -r .state <<<"$member") ;;
      esac
    fi
    # shellcheck disable=SC2034 # read by ha_collect_status
    [[ $state == ready ]] || HA_STATUS_HEALTHY=1
    ha_status_add postgres "$name" "$role" "$pid" "127.0.0.1:$(ha_port "$HA_PG_PORT" "$i")" "$state" \
      "Patroni $(ha_patroni_url "$i"), log .run/logs/ha-$name.log"
  done
}

# The services' libpq URI for <database> with its role's password: every member, libpq
# picks the one that takes writes (target_session_attrs=read-write), and verifies the
# member's certificate as on the single-copy cluster (sslmode=verify-full).
ha_database_url() {
  local db=$1 hosts='' i
  if ha_kos_database "$db"; then
    ha_kos_database_url "$db"
    return
  fi
  for ((i = 1; i <= HA_MEMBERS; i++)); do hosts+=${hosts:+,}127.0.0.1:$(ha_port "$HA_PG_PORT" "$i"); done
  echo "postgresql://$db:$(<"$SECRETS_DIR/db-$db.password")@$hosts/$db?target_session_attrs=read-write&connect_timeout=2&$(pg_tls_client_parameters)"
}
