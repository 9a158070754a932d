# shellcheck shell=bash
# deploy/ha/kos_postgres.sh — kos-sim's own single PostgreSQL in the --ha topology. kos-sim
# stands for KOS, the carrier's system, which does not live on our database: with its data
# in our Patroni cluster, every failover of ours was also a KOS outage, and the KOS
# breakers opened for their 30 s (docs/reliability.md, "Findings"). Not replicated, no
# backups: it is a simulator's data set, regenerated from its seed.

ha_kos_pg_port() { echo "${PHONEBILL_HA_KOS_PG_PORT:-25442}"; }
ha_kos_pg_data() { echo "$(ha_pg_home)/kos/data"; }
# The databases this cluster holds instead of Patroni's (deploy/services.conf names).
HA_KOS_DATABASES=(phonebill_kos)

ha_kos_pg_up() {
  local data port log
  pg_find_bin
  data=$(ha_kos_pg_data)
  port=$(ha_kos_pg_port)
  log=$(dirname "$data")/postgres.log
  mkdir -p "$(dirname "$data")"
  chown_to_pg_owner "$(dirname "$data")"
  ln -sfn "$log" "$LOGS_DIR/ha-kos-postgres.log"
  if [[ ! -f $data/PG_VERSION ]]; then
    pg_init "$data" scram "$SECRETS_DIR/postgres.password"
  fi
  if pg_running "$data"; then
    info "kos-sim's PostgreSQL already runs on 127.0.0.1:$port"
  else
    # TLS like every other cluster of ours: the services verify it (ha_kos_database_url).
    local -a tls_lines
    mapfile -t tls_lines < <(pg_tls_settings "$(dirname "$data")")
    ((${#tls_lines[@]} > 0)) || die "no TLS settings for kos-sim's PostgreSQL"
    pg_configure "$data" "$port" "${tls_lines[@]}"
    pg_start "$data" "$port" "$log"
    info "kos-sim's PostgreSQL started on 127.0.0.1:$port (log .run/logs/ha-kos-postgres.log)"
  fi
  PG_PORT=$port PROVISION_ONLY="${HA_KOS_DATABASES[*]}" \
    provision_databases "$(<"$SECRETS_DIR/postgres.password")"
}

ha_kos_pg_down() {
  local data
  pg_find_bin --soft || return 0
  data=$(ha_kos_pg_data)
  [[ -f $data/PG_VERSION ]] && pg_stop "$data" fast
  return 0
}

ha_kos_pg_status() {
  local data port pid state=stopped
  pg_find_bin --soft || true
  data=$(ha_kos_pg_data)
  port=$(ha_kos_pg_port)
  if pg_running "$data" && pg_isready -q -h 127.0.0.1 -p "$port" -t 2; then state=ready; fi
  pid=$(sed -n 1p "$data/postmaster.pid" 2>/dev/null || true)
  [[ $state == ready && $pid =~ ^[0-9]+$ ]] || pid=''
  # shellcheck disable=SC2034 # read by ha_collect_status
  [[ $state == ready ]] || HA_STATUS_HEALTHY=1
  ha_status_add postgres kos-postgres kos "$pid" "127.0.0.1:$port" "$state" \
    "kos-sim's own, log .run/logs/ha-kos-postgres.log"
}

# True when <database> lives in kos-sim's cluster rather than Patroni's.
ha_kos_database() {
  local db
  for db in "${HA_KOS_DATABASES[@]}"; do [[ $1 == "$db" ]] && return 0; done
  return 1
}

ha_kos_database_url() {
  echo "postgresql://$1:$(<"$SECRETS_DIR/db-$1.password")@127.0.0.1:$(ha_kos_pg_port)/$1?connect_timeout=2&$(pg_tls_client_parameters)"
}
