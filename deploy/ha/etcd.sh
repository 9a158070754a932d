# shellcheck shell=bash
# deploy/ha/etcd.sh — the 3-member etcd 3.4 cluster that Patroni keeps its leader key in
# (--ha). Three members, not one: losing one etcd member must not stop failover, and the
# failure campaign kills one. Data under .run/ha/etcd/<member>, logs .run/logs/ha-etcd<N>.log.

ha_etcd_client_url() { echo "http://127.0.0.1:$(ha_port "$HA_ETCD_PORT" "$1")"; }
ha_etcd_peer_url() { echo "http://127.0.0.1:$(ha_port $((HA_ETCD_PORT + 10)) "$1")"; }

# "127.0.0.1:23790,127.0.0.1:23791,..." for Patroni and etcdctl.
ha_etcd_hosts() {
  local i out=''
  for ((i = 1; i <= HA_MEMBERS; i++)); do out+=${out:+,}127.0.0.1:$(ha_port "$HA_ETCD_PORT" "$i"); done
  echo "$out"
}

ha_etcd_healthy() {
  ETCDCTL_API=3 etcdctl --endpoints="$(ha_etcd_client_url "$1")" --dial-timeout=1s \
    --command-timeout=2s endpoint health >/dev/null 2>&1
}

ha_etcd_start() {
  local i cluster='' name dir
  for ((i = 1; i <= HA_MEMBERS; i++)); do cluster+=${cluster:+,}etcd$i=$(ha_etcd_peer_url "$i"); done
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    name=etcd$i dir=$HA_DIR/etcd/$name
    if ha_live_pid "$HA_PIDS/$name.pid" etcd >/dev/null; then
      info "$name already running on $(ha_etcd_client_url "$i")"
      continue
    fi
    port_in_use "$(ha_port "$HA_ETCD_PORT" "$i")" &&
      die "port $(ha_port "$HA_ETCD_PORT" "$i") is in use by another program (PHONEBILL_HA_ETCD_PORT)"
    mkdir -p "$dir"
    chmod 700 "$dir"
    # --initial-cluster* only matter on the first start (an existing data dir wins).
    # Heartbeat 100 ms / election 1 s: a leader election ends inside one Patroni request
    # (retry_timeout / 3, about 1.7 s) even on a busy 2-core machine; with 2 s it did not
    # (docs/reliability.md, "Findings").
    ha_spawn "$HA_PIDS/$name.pid" "$LOGS_DIR/ha-$name.log" root etcd --name "$name" \
      --data-dir "$dir/data" \
      --listen-client-urls "$(ha_etcd_client_url "$i")" \
      --advertise-client-urls "$(ha_etcd_client_url "$i")" \
      --listen-peer-urls "$(ha_etcd_peer_url "$i")" \
      --initial-advertise-peer-urls "$(ha_etcd_peer_url "$i")" \
      --initial-cluster "$cluster" --initial-cluster-state new \
      --initial-cluster-token phonebill-ha \
      --heartbeat-interval 100 --election-timeout 1000 \
      --logger zap --log-outputs stderr
    info "started $name on $(ha_etcd_client_url "$i") (log .run/logs/ha-$name.log)"
  done
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    ha_wait 30 "etcd$i" ha_etcd_healthy "$i" || { show_log_tail "$LOGS_DIR/ha-etcd$i.log" 15; die "etcd$i is not healthy"; }
  done
}

ha_etcd_stop() {
  local i
  for ((i = 1; i <= HA_MEMBERS; i++)); do ha_stop_pid "$HA_PIDS/etcd$i.pid" etcd; done
}

# Adds one status row per member (role: leader or member, from `endpoint status`).
ha_etcd_status() {
  local i pid state role address json
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    address=$(ha_etcd_client_url "$i")
    pid=$(ha_live_pid "$HA_PIDS/etcd$i.pid" etcd || true)
    role=member state=stopped
    if [[ -n $pid ]] && ha_etcd_healthy "$i"; then
      state=ready
      json=$(ETCDCTL_API=3 etcdctl --endpoints="$address" -w json endpoint status 2>/dev/null || true)
      [[ $(jq -r '.[0].Status.leader == .[0].Status.header.member_id' <<<"$json" 2>/dev/null) == true ]] && role=leader
    fi
    # shellcheck disable=SC2034 # read by ha_collect_status
    [[ $state == ready ]] || HA_STATUS_HEALTHY=1
    ha_status_add etcd "etcd$i" "$role" "$pid" "${address#http://}" "$state" "log .run/logs/ha-etcd$i.log"
  done
}
