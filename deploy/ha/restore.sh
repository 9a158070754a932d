# shellcheck shell=bash
# deploy/ha/restore.sh — `./phonebill restore --time` under --ha: point-in-time restore of
# the Patroni cluster from its pgBackRest repository (docs/operations.md#backups-under---ha).
# Patroni's documented way to take over an existing PostgreSQL: the stack is down; pg1's
# data directory is restored (--type=time, --target-action=promote) and started by hand
# until it has replayed WAL to the target and been promoted; the cluster's keys are
# removed from etcd so no member remembers the old timeline's leader or its position;
# Patroni on pg1 then adopts the running primary and becomes leader, and pg2 and pg3,
# their data directories emptied, clone it. Entry point: ha_restore.

# ha_restore <time>: the whole cluster back to the state committed at <time>.
ha_restore() {
  local target=$1 i name
  ha_settings
  pg_find_bin
  ensure_pg_system_user
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    name=$(ha_pg_name "$i")
    if ha_live_pid "$HA_PIDS/$name.pid" patroni >/dev/null ||
      pg_running "$(ha_pg_home)/$name/data"; then
      die "$name is running: ./phonebill down first (restore replaces every member's files)"
    fi
  done
  ha_backup_write_config
  [[ -d $BACKUP_REPO/backup/$BACKUP_STANZA ]] ||
    die "no backup in ${BACKUP_REPO#"$ROOT"/}: ./phonebill backup first"
  mkdir -p "$HA_PIDS" "$LOGS_DIR"
  step "etcd (${HA_MEMBERS} members)"
  ha_etcd_start

  local data port log
  data=$(ha_pg_home)/$(ha_pg_name 1)/data
  port=$(ha_port "$HA_PG_PORT" 1)
  log=$(ha_pg_home)/$(ha_pg_name 1)/restore.log
  step "Restore to $target into $(ha_pg_name 1)"
  # The other members start empty and clone the restored one: their old files are of a
  # timeline the cluster no longer has.
  for ((i = 2; i <= HA_MEMBERS; i++)); do rm -rf "$(ha_pg_home)/$(ha_pg_name "$i")/data"; done
  mkdir -p "$data"
  chmod 700 "$data"
  chown_to_pg_owner "$data"
  backup_restore "$target"
  ha_restore_configure "$data" "$port"
  touch "$log"
  chown_to_pg_owner "$log"
  as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null {LOCK_FD}>&- ||
    { show_log_tail "$log"; die "the restored $(ha_pg_name 1) did not start"; }
  local deadline=$((SECONDS + ${PHONEBILL_RESTORE_TIMEOUT:-600}))
  until [[ $(ha_restore_sql "$port" 'SELECT NOT pg_is_in_recovery()' 2>/dev/null) == t ]]; do
    ((SECONDS < deadline)) || die "$(ha_pg_name 1) is still recovering after ${PHONEBILL_RESTORE_TIMEOUT:-600}s (log: $log)"
    sleep 0.5
  done
  # The recovery target pgBackRest wrote must not apply again when Patroni restarts the
  # member, least of all as a standby.
  ha_restore_sql "$port" "ALTER SYSTEM RESET recovery_target_time" >/dev/null
  ha_restore_sql "$port" "ALTER SYSTEM RESET recovery_target_action" >/dev/null
  ha_restore_sql "$port" "ALTER SYSTEM RESET restore_command" >/dev/null
  info "$(ha_pg_name 1) restored to $target and promoted"

  step "Patroni: $(ha_pg_name 1) takes over as leader, the others clone it"
  # The old cluster's keys (leader, its last position, the synchronous standby, history)
  # would keep the restored member from the leader race.
  ETCDCTL_API=3 etcdctl --endpoints="$(ha_etcd_hosts)" --dial-timeout=2s --command-timeout=5s \
    del --prefix "/phonebill/phonebill/" >/dev/null || die "could not clear the cluster's keys in etcd"
  ha_patroni_start 1
  ha_patroni_start
  info "restored to $target: $(ha_pg_name 1) leads, every member streams"
}

# ha_restore_configure <data-dir> <port>: the restored files' postgresql.conf is Patroni's
# of whichever member was primary at the backup (its port, its pg_hba path): replaced by
# one for pg1, enough to replay WAL and be promoted; Patroni rewrites it when it adopts the
# member. Values that a standby must not have below the primary's are Patroni's own.
ha_restore_configure() {
  local data=$1 port=$2
  {
    echo "# Written by ./phonebill restore for the replay; Patroni replaces it."
    echo "include_if_exists = 'postgresql.base.conf'"
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = ''"
    echo "hba_file = '$data/pg_hba.conf'"
    echo "ident_file = '$data/pg_ident.conf'"
    echo "max_connections = 300"
    echo "max_wal_senders = 10"
    echo "max_replication_slots = 10"
    echo "wal_level = replica"
    echo "wal_log_hints = on"
    echo "hot_standby = on"
    # The new timeline's history file and WAL are archived like any primary's.
    echo "archive_mode = on"
    echo "archive_command = '$(ha_backup_archive_command 1)'"
    echo "ssl = on"
    echo "ssl_cert_file = '$(ha_pg_home)/tls/server.crt'"
    echo "ssl_key_file = '$(ha_pg_home)/tls/server.key'"
  } >"$data/postgresql.conf"
  chown_to_pg_owner "$data/postgresql.conf"
}

ha_restore_sql() { # <port> <sql>
  PGPASSFILE=$SECRETS_DIR/pgpass psql -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}
