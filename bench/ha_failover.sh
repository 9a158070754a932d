#!/usr/bin/env bash
# bench/ha_failover.sh — measures one failover of the --ha datastores started by
# deploy/ha/datastores-ha.sh up: `postgres` kills -9 the Patroni primary's agent and its
# postmaster (a node's death) and times until a write commits through the multi-host DSN
# (target_session_attrs=read-write), then checks that every acknowledged row survived;
# `redis` kills -9 the Redis master and times until the address the sentinels give
# takes a write. Restart the killed member afterwards with deploy/ha/datastores-ha.sh up.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
RUN_DIR=${PHONEBILL_RUN_DIR:-$ROOT/.run}
SECRETS_DIR=$RUN_DIR/secrets
LOGS_DIR=$RUN_DIR/logs
source "$ROOT/deploy/common.sh"
source "$ROOT/deploy/datastores.sh"
source "$ROOT/deploy/ha/datastores-ha.sh"
ha_settings

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

measure_postgres() {
  local hosts ports i
  hosts=$(printf '127.0.0.1,%.0s' $(seq "$HA_MEMBERS")) ports=''
  for ((i = 1; i <= HA_MEMBERS; i++)); do ports+=${ports:+,}$(ha_port "$HA_PG_PORT" "$i"); done
  local dsn="host=${hosts%,} port=$ports dbname=postgres user=postgres target_session_attrs=read-write connect_timeout=1"
  export PGPASSFILE=$SECRETS_DIR/pgpass
  local -a sql=(psql -X -q -At -v ON_ERROR_STOP=1 "$dsn")
  "${sql[@]}" -c 'CREATE TABLE IF NOT EXISTS ha_probe (id bigint PRIMARY KEY, at timestamptz DEFAULT now())'
  local start acknowledged=0 id
  start=$("${sql[@]}" -c 'SELECT coalesce(max(id), 0) FROM ha_probe')
  id=$start
  # Writes before the kill: each one acknowledged by COMMIT must survive.
  for ((i = 0; i < 50; i++)); do
    id=$((id + 1))
    "${sql[@]}" -c "INSERT INTO ha_probe (id) VALUES ($id)" && acknowledged=$((acknowledged + 1))
  done
  local leader data agent postmaster
  leader=$(ha_patroni_cluster | jq -r '.members[] | select(.role == "leader") | .name')
  agent=$(<"$HA_PIDS/$leader.pid")
  data=$(ha_pg_home)/$leader/data
  postmaster=$(sed -n 1p "$data/postmaster.pid")
  echo "killing $leader: Patroni agent $agent and postmaster $postmaster (kill -9)"
  local killed_at
  killed_at=$(now)
  kill -KILL "$agent" "$postmaster"
  local attempts=0
  until id=$((id + 1)) && "${sql[@]}" -c "INSERT INTO ha_probe (id) VALUES ($id)" 2>/dev/null; do
    attempts=$((attempts + 1))
    sleep 0.2
  done
  acknowledged=$((acknowledged + 1))
  local took new_leader
  took=$(seconds_since "$killed_at")
  new_leader=$(ha_patroni_cluster | jq -r '.members[] | select(.role == "leader") | .name')
  local present
  present=$("${sql[@]}" -c "SELECT count(*) FROM ha_probe WHERE id > $start")
  echo "postgres: first write committed ${took}s after the kill (on $new_leader, $attempts failed attempts)"
  echo "postgres: rows acknowledged $acknowledged, rows present $present (lost: $((acknowledged - present < 0 ? 0 : acknowledged - present)))"
}

measure_redis() {
  local master_port i pid
  master_port=$(ha_sentinel_master 1 | awk '{print $2}')
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    [[ $(ha_port "$HA_REDIS_PORT" "$i") == "$master_port" ]] && pid=$(<"$HA_PIDS/redis$i.pid")
  done
  redis-cli -p "$master_port" set ha_probe before >/dev/null
  echo "killing the Redis master on port $master_port (pid $pid, kill -9)"
  local killed_at now_master=''
  killed_at=$(now)
  kill -KILL "$pid"
  while :; do
    now_master=$(ha_sentinel_master 1 | awk '{print $2}')
    if [[ -n $now_master && $now_master != "$master_port" ]] &&
      [[ $(redis-cli -p "$now_master" set ha_probe after 2>/dev/null) == OK ]]; then
      break
    fi
    sleep 0.1
  done
  echo "redis: the sentinels' master (port $now_master) took a write $(seconds_since "$killed_at")s after the kill"
}

case ${1:-} in
  postgres) measure_postgres ;;
  redis) measure_redis ;;
  *) die "usage: bench/ha_failover.sh postgres|redis" ;;
esac
