# shellcheck shell=bash
# deploy/ha/redis_sentinel.sh — Redis 7 for --ha: one master and two replicas with AOF
# (appendfsync everysec) and three sentinels that promote a replica when the master dies.
# Each server's and sentinel's config file is written only when absent: Sentinel rewrites
# them on failover (who replicates whom), and a restart must keep those facts.

ha_redis_dir() { echo "$HA_DIR/redis/redis$1"; }
ha_sentinel_dir() { echo "$HA_DIR/redis/sentinel$1"; }

# The sentinels' addresses, "127.0.0.1:26400,127.0.0.1:26401,..." (REDIS_SENTINELS).
ha_sentinel_hosts() {
  local i out=''
  for ((i = 1; i <= HA_MEMBERS; i++)); do out+=${out:+,}127.0.0.1:$(ha_port "$HA_SENTINEL_PORT" "$i"); done
  echo "$out"
}

# The services' PHONEBILL_REDIS_URL: every sentinel and the master's name (src/cache).
ha_redis_url() { echo "redis-sentinel://$(ha_sentinel_hosts)/$HA_REDIS_MASTER_NAME"; }

ha_redis_write_config() {
  local i=$1 dir port file
  dir=$(ha_redis_dir "$i") port=$(ha_port "$HA_REDIS_PORT" "$i") file=$dir/redis.conf
  [[ -f $file ]] && return 0
  {
    echo "# Written once by deploy/ha/redis_sentinel.sh; Sentinel rewrites the replicaof line."
    echo "port $port"
    echo "bind 127.0.0.1"
    echo "protected-mode yes"
    echo "dir $dir"
    echo "daemonize no"
    echo "save \"\""
    # Persistence: at most one second of writes is lost if every copy dies at once.
    echo "appendonly yes"
    echo "appendfsync everysec"
    echo "replica-read-only yes"
    echo "replica-serve-stale-data yes"
    # A replica announces its loopback address, so sentinels and clients can reach it.
    echo "replica-announce-ip 127.0.0.1"
    ((i == 1)) || echo "replicaof 127.0.0.1 $HA_REDIS_PORT"
  } >"$file"
}

ha_sentinel_write_config() {
  local i=$1 dir port file
  dir=$(ha_sentinel_dir "$i") port=$(ha_port "$HA_SENTINEL_PORT" "$i") file=$dir/sentinel.conf
  [[ -f $file ]] && return 0
  {
    echo "# Written once by deploy/ha/redis_sentinel.sh; Sentinel rewrites it as it learns."
    echo "port $port"
    echo "bind 127.0.0.1"
    echo "dir $dir"
    echo "daemonize no"
    echo "sentinel announce-ip 127.0.0.1"
    # Quorum 2 of 3: one sentinel (or its machine) down still allows a failover.
    echo "sentinel monitor $HA_REDIS_MASTER_NAME 127.0.0.1 $HA_REDIS_PORT 2"
    # 2 s without an answer marks the master down; the promotion follows within about a
    # second, so clients are on the new master well inside the 10 s goal.
    echo "sentinel down-after-milliseconds $HA_REDIS_MASTER_NAME 2000"
    echo "sentinel failover-timeout $HA_REDIS_MASTER_NAME 10000"
    echo "sentinel parallel-syncs $HA_REDIS_MASTER_NAME 1"
  } >"$file"
}

ha_redis_start() {
  local i dir port known
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    dir=$(ha_redis_dir "$i") port=$(ha_port "$HA_REDIS_PORT" "$i")
    if ha_live_pid "$HA_PIDS/redis$i.pid" redis-server >/dev/null; then
      info "redis$i already running on 127.0.0.1:$port"
      continue
    fi
    if port_in_use "$port"; then die "port $port is in use by another program (PHONEBILL_HA_REDIS_PORT)"; fi
    mkdir -p "$dir"
    ha_redis_write_config "$i"
    # A server that comes back after a failover must not come back as a second master:
    # when the sentinels name another master, it starts as that one's replica.
    local -a follow=()
    known=$(ha_known_master_port)
    [[ -n $known && $known != "$port" ]] && follow=(--replicaof 127.0.0.1 "$known")
    ha_spawn "$HA_PIDS/redis$i.pid" "$LOGS_DIR/ha-redis$i.log" root redis-server "$dir/redis.conf" "${follow[@]}"
    info "started redis$i on 127.0.0.1:$port (log .run/logs/ha-redis$i.log)"
  done
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    ha_wait 15 "redis$i" redis_ping "$(ha_port "$HA_REDIS_PORT" "$i")" ||
      { show_log_tail "$LOGS_DIR/ha-redis$i.log" 10; die "redis$i does not answer PING"; }
  done
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    dir=$(ha_sentinel_dir "$i") port=$(ha_port "$HA_SENTINEL_PORT" "$i")
    if ha_live_pid "$HA_PIDS/sentinel$i.pid" sentinel >/dev/null; then
      info "sentinel$i already running on 127.0.0.1:$port"
      continue
    fi
    if port_in_use "$port"; then die "port $port is in use by another program (PHONEBILL_HA_SENTINEL_PORT)"; fi
    mkdir -p "$dir"
    ha_sentinel_write_config "$i"
    ha_spawn "$HA_PIDS/sentinel$i.pid" "$LOGS_DIR/ha-sentinel$i.log" root redis-sentinel "$dir/sentinel.conf"
    info "started sentinel$i on 127.0.0.1:$port (log .run/logs/ha-sentinel$i.log)"
  done
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    ha_wait 15 "sentinel$i" ha_sentinel_knows_master "$i" ||
      { show_log_tail "$LOGS_DIR/ha-sentinel$i.log" 10; die "sentinel$i does not know the master"; }
  done
}

# "127.0.0.1 26390": the master sentinel <member> names (empty when it cannot say).
ha_sentinel_master() {
  redis-cli -h 127.0.0.1 -p "$(ha_port "$HA_SENTINEL_PORT" "$1")" --raw \
    sentinel get-master-addr-by-name "$HA_REDIS_MASTER_NAME" 2>/dev/null | paste -sd' '
}
# The master's port according to the first sentinel that answers (empty when none does).
ha_known_master_port() {
  local i master
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    master=$(ha_sentinel_master "$i")
    [[ -n $master ]] && { echo "${master#* }"; return 0; }
  done
  return 0
}
ha_sentinel_knows_master() { [[ -n $(ha_sentinel_master "$1") ]]; }

# Sentinels first (so none promotes a replica while the servers go down), then replicas,
# then the master (it writes its AOF last).
ha_redis_stop() {
  local i port role
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    ha_stop_pid "$HA_PIDS/sentinel$i.pid" sentinel 10
  done
  local -a order=()
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    role=$(ha_redis_role "$i")
    if [[ $role == master ]]; then order+=("$i"); else order=("$i" "${order[@]}"); fi
  done
  for i in "${order[@]}"; do
    port=$(ha_port "$HA_REDIS_PORT" "$i")
    redis-cli -h 127.0.0.1 -p "$port" shutdown >/dev/null 2>&1 || true
    ha_stop_pid "$HA_PIDS/redis$i.pid" redis-server 10
  done
}

# master or replica (from INFO replication); empty when the server does not answer.
ha_redis_role() {
  local role
  role=$(redis-cli -h 127.0.0.1 -p "$(ha_port "$HA_REDIS_PORT" "$1")" info replication 2>/dev/null |
    tr -d '\r' | sed -n 's/^role://p')
  case $role in master) echo master ;; slave) echo replica ;; *) echo '' ;; esac
}

ha_redis_status() {
  local i pid role state port
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    port=$(ha_port "$HA_REDIS_PORT" "$i")
    pid=$(ha_live_pid "$HA_PIDS/redis$i.pid" redis-server || true)
    role=$(ha_redis_role "$i")
    state=stopped
    [[ -n $pid && -n $role ]] && state=ready
    # shellcheck disable=SC2034 # read by ha_collect_status
    [[ $state == ready ]] || HA_STATUS_HEALTHY=1
    ha_status_add redis "redis$i" "${role:-replica}" "$pid" "127.0.0.1:$port" "$state" "log .run/logs/ha-redis$i.log"
  done
  local master
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    port=$(ha_port "$HA_SENTINEL_PORT" "$i")
    pid=$(ha_live_pid "$HA_PIDS/sentinel$i.pid" sentinel || true)
    master=$(ha_sentinel_master "$i")
    state=stopped
    [[ -n $pid && -n $master ]] && state=ready
    # shellcheck disable=SC2034 # read by ha_collect_status
    [[ $state == ready ]] || HA_STATUS_HEALTHY=1
    ha_status_add redis-sentinel "sentinel$i" sentinel "$pid" "127.0.0.1:$port" "$state" \
      "master ${master// /:}, log .run/logs/ha-sentinel$i.log"
  done
}
