#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# deploy/ha/datastores-ha.sh — the datastores of the --ha topology (SPEC §11): etcd (3),
# PostgreSQL 15 under Patroni (3, synchronous_mode, WAL archived with pgBackRest), Redis
# (master + 2 replicas, AOF) and 3 sentinels, all on loopback under .run/ha. Sourced by
# ./phonebill (ha_up, ha_down, ha_collect_status, ha_database_url, ha_redis_url, ha_restore;
# `up --ha`, `restore` under --ha) or run on its own:
#   deploy/ha/datastores-ha.sh up|down|status
# Ports: PHONEBILL_HA_{ETCD,PG,PATRONI,REDIS,SENTINEL}_PORT (docs/reliability.md).

HA_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
source "$HA_SCRIPT_DIR/common.sh"
source "$HA_SCRIPT_DIR/etcd.sh"
source "$HA_SCRIPT_DIR/patroni.sh"
source "$HA_SCRIPT_DIR/pgbackrest.sh"
source "$HA_SCRIPT_DIR/redis_sentinel.sh"
source "$HA_SCRIPT_DIR/kos_postgres.sh"
source "$HA_SCRIPT_DIR/restore.sh"

# Starts whatever is not running, in dependency order, and creates each service's role
# and database on the primary (provision_databases, as for the single cluster). Idempotent.
ha_up() {
  ha_settings
  mkdir -p "$HA_PIDS" "$LOGS_DIR" "$SECRETS_DIR"
  chmod 700 "$SECRETS_DIR"
  step "etcd (${HA_MEMBERS} members)"
  ha_etcd_start
  step "PostgreSQL under Patroni (${HA_MEMBERS} members, synchronous_mode)"
  ha_patroni_start
  local primary
  primary=$(ha_pg_primary_port) || die "Patroni reports no running leader"
  info "primary on 127.0.0.1:$primary"
  PG_PORT=$primary PROVISION_EXCEPT="${HA_KOS_DATABASES[*]}" \
    provision_databases "$(<"$SECRETS_DIR/postgres.password")"
  ha_backup_setup
  step "PostgreSQL for kos-sim (KOS's own database, outside the Patroni cluster)"
  ha_kos_pg_up
  step "Redis (1 master, $((HA_MEMBERS - 1)) replicas, AOF) and ${HA_MEMBERS} sentinels"
  ha_redis_start
}

# Stops everything, dependants first: Redis and its sentinels, Patroni, then etcd.
ha_down() {
  ha_settings
  step "Stopping Redis and its sentinels"
  ha_redis_stop
  step "Stopping PostgreSQL (Patroni, and kos-sim's own)"
  ha_patroni_stop
  ha_kos_pg_down
  step "Stopping etcd"
  ha_etcd_stop
}

# Calls ha_status_add (name instance role pid address state details) once per process;
# returns 1 when something that should run does not.
ha_collect_status() {
  ha_settings
  HA_STATUS_HEALTHY=0
  ha_etcd_status
  ha_patroni_status
  ha_kos_pg_status
  ha_redis_status
  return "$HA_STATUS_HEALTHY"
}

# ./phonebill feeds these rows into its own status table.
ha_status_add() { status_add "$@"; }

# --- run on its own -------------------------------------------------------------------
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  ROOT=$(cd "$HA_SCRIPT_DIR/../.." && pwd -P)
  RUN_DIR=${PHONEBILL_RUN_DIR:-$ROOT/.run}
  SECRETS_DIR=$RUN_DIR/secrets
  LOGS_DIR=$RUN_DIR/logs
  source "$ROOT/deploy/common.sh"
  source "$ROOT/deploy/datastores.sh"
  source "$ROOT/deploy/backup.sh"
  source "$ROOT/deploy/service_environment.sh"
  source "$ROOT/deploy/services.sh"
  status_add() { printf '  %-16s %-16s %-9s %-8s %-18s %-10s %s\n' "$@"; }
  case ${1:-} in
    up)
      take_lock "$RUN_DIR/.lock" up/down
      load_service_table
      ha_up
      ;;
    down)
      take_lock "$RUN_DIR/.lock" up/down
      ha_down
      ;;
    status)
      status_add NAME INSTANCE ROLE PID ADDRESS STATE DETAILS
      ha_collect_status
      ;;
    *) die "usage: deploy/ha/datastores-ha.sh up|down|status" ;;
  esac
fi
