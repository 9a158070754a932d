#!/usr/bin/env bash
# bench/chaos.sh — the failure campaign of SPEC §11 (issue 15) on a running
# `./phonebill up --ha`: under a steady, bounded mixed load through HAProxy
# (tests/scale/mixed_load.py --chaos: bill menu and inquiries, product menu and plan
# changes with an Idempotency-Key, logins, logouts), one failure per round, in turn:
#   pg-primary       kill -9 the Patroni leader's agent and its postmaster (a node's death)
#   redis-master     kill -9 the Redis master
#   etcd-member      kill -9 the etcd leader
#   gateway, auth, bill-inquiry, product-change   kill -9 instance 2 of it
#   pg-replica-stop  SIGSTOP the synchronous standby (agent and postgres) for 20 s, SIGCONT
# Per round: requests, failures by kind and status, seconds until writes resume (our own
# writes: inquiry history, logins, logouts; and plan changes, which need KOS too), seconds
# until the services' Redis clients are on the new master, and the integrity checks —
# every inquiry answered 200 has its history row, every KOS order has its change record
# and every record ends in the state KOS reached (none left REQUESTED/PENDING), every
# logged-out token is refused (401). Between rounds the topology is restored
# (`./phonebill up --skip-install --skip-build` restarts what was killed; Patroni and
# Sentinel heal) and must be all ready again. Prints a markdown table; exit 1 when an
# integrity check failed or the topology did not heal. Raw files: .run/chaos/<time>/.
#
# Start the topology with the login limit raised, so that logins reach auth:
#   PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND=20 PHONEBILL_GATEWAY_RATE_LOGIN_BURST=40 \
#     ./phonebill up --ha --skip-install
# Usage: bench/chaos.sh [FAILURE...]   (default: all of the above, about 10 minutes)
# Settings: CHAOS_RATE (requests/s per client, 8), CHAOS_SECONDS (load per round, 30;
#           the PostgreSQL rounds 40), CHAOS_KILL_AFTER (s into the load, 5),
#           PHONEBILL_URL (http://127.0.0.1:8080).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
RUN_DIR=$ROOT/.run
SECRETS_DIR=$RUN_DIR/secrets
LOGS_DIR=$RUN_DIR/logs
source "$ROOT/deploy/common.sh"
source "$ROOT/deploy/datastores.sh"
source "$ROOT/deploy/ha/datastores-ha.sh"
ha_settings

URL=${PHONEBILL_URL:-http://127.0.0.1:8080}
RATE=${CHAOS_RATE:-8}
LOAD_SECONDS=${CHAOS_SECONDS:-30}
KILL_AFTER=${CHAOS_KILL_AFTER:-5}
FREEZE_SECONDS=20
# Each round's raw material (load lines, records, kill instant) stays for a later look.
WORK=$RUN_DIR/chaos/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$WORK"
FAILURES=("$@")
((${#FAILURES[@]})) ||
  FAILURES=(pg-primary redis-master etcd-member gateway auth bill-inquiry product-change pg-replica-stop)
# The demo users that may change plans, and their lines (for the KOS records; the change
# records are found by user: their lines are sealed, db/product/006).
USERS=("user01:Passw0rd!01" "admin:Adm1nPass!00")
LINES="'01012345678','01099998888'"

say() { printf '[chaos] %s\n' "$*" >&2; }
now() { date +%s.%N; }

FROZEN=()
cleanup() {
  # Never leave a member frozen.
  local pid
  for pid in "${FROZEN[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

[[ $URL == http://127.0.0.1:* || $URL == http://localhost:* ]] || die "loopback only ($URL)"
[[ $(sed -n 's/^HA=//p' "$RUN_DIR/state.env" 2>/dev/null) == 1 ]] ||
  die "no --ha topology: run ./phonebill up --ha first"

# psql on the current primary (libpq picks it), as the superuser.
primary_sql() {
  local database=$1 hosts='' ports='' i
  shift
  if ha_kos_database "$database"; then
    hosts=127.0.0.1 ports=$(ha_kos_pg_port) # kos-sim's own cluster
  else
    for ((i = 1; i <= HA_MEMBERS; i++)); do
      hosts+=${hosts:+,}127.0.0.1
      ports+=${ports:+,}$(ha_port "$HA_PG_PORT" "$i")
    done
  fi
  PGPASSFILE=$SECRETS_DIR/pgpass psql -X -q -At -v ON_ERROR_STOP=1 \
    "host=$hosts port=$ports dbname=$database user=postgres target_session_attrs=read-write connect_timeout=2" "$@"
}

# Port of the Redis master the sentinels name.
redis_master_port() { ha_known_master_port; }

# Connections of the services on a Redis server: normal and pub/sub clients, not the
# sentinels (named sentinel-*), the replicas' links, nor redis-cli itself.
service_redis_clients() {
  redis-cli -h 127.0.0.1 -p "$1" client list 2>/dev/null |
    awk '!/name=sentinel-/ && !/flags=S/ && !/flags=M/ && !/cmd=client/' | wc -l
}

# Pid of a member's Patroni agent and of its postmaster.
patroni_agent_pid() { cat "$HA_PIDS/$1.pid"; }
postmaster_pid() { sed -n 1p "$(ha_pg_home)/$1/data/postmaster.pid"; }

# The member Patroni names leader, or the synchronous standby.
patroni_member_with_role() {
  ha_patroni_cluster | jq -r --arg role "$1" '[.members[] | select(.role == $role)][0].name // empty'
}

healthy() {
  "$ROOT/phonebill" status --json >"$WORK/status.json" 2>/dev/null || return 1
  ha_patroni_settled || return 1
  # Both replicas attached to the master the sentinels name.
  local master
  master=$(redis_master_port)
  [[ -n $master ]] &&
    [[ $(redis-cli -p "$master" info replication 2>/dev/null | tr -d '\r' | sed -n 's/^connected_slaves://p') == $((HA_MEMBERS - 1)) ]]
}

# Restarts whatever was killed and waits until every process is ready again.
restore() {
  "$ROOT/phonebill" up --skip-install --skip-build >"$WORK/up.log" 2>&1 ||
    { tail -n 20 "$WORK/up.log" >&2; say "./phonebill up could not restore the topology"; return 1; }
  local deadline=$((SECONDS + 120))
  until healthy; do
    ((SECONDS < deadline)) || { say "the topology is not all ready 120 s after the restart"; return 1; }
    sleep 1
  done
}

# inject <failure>: makes the failure; KILLED_AT is its instant (epoch seconds). Runs in
# this shell, not a subshell: a freeze's SIGCONT is a background job of ours.
inject() {
  local member pids
  case $1 in
    pg-primary)
      member=$(patroni_member_with_role leader)
      pids="$(patroni_agent_pid "$member") $(postmaster_pid "$member")"
      say "kill -9 $member (Patroni agent and postmaster: $pids)"
      KILLED_AT=$(now)
      # shellcheck disable=SC2086 # two pids
      kill -KILL $pids
      ;;
    redis-master)
      member=$(redis_master_port)
      say "kill -9 the Redis master on port $member"
      KILLED_AT=$(now)
      kill -KILL "$(cat "$HA_PIDS/redis$((member - HA_REDIS_PORT + 1)).pid")"
      ;;
    etcd-member)
      local i
      for ((i = 1; i <= HA_MEMBERS; i++)); do
        ETCDCTL_API=3 etcdctl --endpoints="$(ha_etcd_client_url "$i")" -w json endpoint status 2>/dev/null |
          jq -e '.[0].Status.leader == .[0].Status.header.member_id' >/dev/null && member=etcd$i
      done
      say "kill -9 the etcd leader ${member:-etcd1}"
      KILLED_AT=$(now)
      kill -KILL "$(cat "$HA_PIDS/${member:-etcd1}.pid")"
      ;;
    gateway | auth | bill-inquiry | product-change)
      say "kill -9 $1-2"
      KILLED_AT=$(now)
      kill -KILL "$(cat "$RUN_DIR/pids/$1-2.pid")"
      ;;
    pg-replica-stop)
      member=$(patroni_member_with_role sync_standby)
      [[ -n $member ]] || member=$(patroni_member_with_role replica)
      local postmaster
      postmaster=$(postmaster_pid "$member")
      # The agent, the postmaster and its children (startup, walreceiver, ...): a frozen node.
      # shellcheck disable=SC2207 # pids
      FROZEN=("$(patroni_agent_pid "$member")" "$postmaster" $(pgrep -P "$postmaster"))
      say "SIGSTOP $member (${#FROZEN[@]} processes) for ${FREEZE_SECONDS}s"
      KILLED_AT=$(now)
      kill -STOP "${FROZEN[@]}"
      ( sleep "$FREEZE_SECONDS"; kill -CONT "${FROZEN[@]}" 2>/dev/null ) &
      ;;
    *) die "unknown failure '$1' (see the header of bench/chaos.sh)" ;;
  esac
}

# Seconds until the services' clients are back on the new Redis master (as many as were
# on the old one), polled until the load ends; "-" when the master did not change.
follow_redis() {
  local old=$1 baseline=$2 killed_at=$3 until=$4 master count
  while (($(date +%s) < until)); do
    master=$(redis_master_port)
    if [[ -n $master && $master != "$old" ]]; then
      count=$(service_redis_clients "$master")
      if ((count >= baseline)); then
        awk -v a="$killed_at" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
        return
      fi
    fi
    sleep 0.2
  done
  echo "not within the round (${count:-0} of $baseline clients)"
}

# The integrity inputs of a round started at <epoch>: recorded inquiries, change records
# and KOS orders. Waits (up to 75 s: the reconciler settles within a minute) while a
# change is still REQUESTED or PENDING.
collect_records() {
  local round=$1 since=$2 deadline=$((SECONDS + 75))
  awk '$1 == "bill_post" && $2 == "200" && NF > 4 { print $5 }' "$round/load" >"$round/answered"
  while :; do
    primary_sql phonebill_product -c "\\copy (SELECT request_id, status FROM product_changes WHERE user_id IN ('user01', 'admin') AND requested_at >= to_timestamp($since)) TO '$round/changes'" 2>/dev/null ||
      : >"$round/changes"
    ! grep -qP '\t(REQUESTED|PENDING)$' "$round/changes" && break
    ((SECONDS < deadline)) || break
    sleep 3
  done
  primary_sql phonebill_kos -c "\\copy (SELECT request_id, status FROM orders WHERE line_number IN ($LINES) AND created_at >= to_timestamp($since)) TO '$round/orders'" ||
    : >"$round/orders"
  primary_sql phonebill_bill >"$round/recorded" <<SQL
CREATE TEMP TABLE answered (request_id text);
\\copy answered FROM '$round/answered'
SELECT r.request_id FROM bill_inquiry_requests r JOIN answered a USING (request_id);
SQL
}

run_round() {
  local failure=$1 round=$WORK/$1 seconds=$LOAD_SECONDS
  mkdir -p "$round"
  [[ $failure == pg-* ]] && seconds=$((LOAD_SECONDS + 10))
  local old_master baseline started follow=-
  old_master=$(redis_master_port)
  baseline=$(service_redis_clients "$old_master")
  started=$(date +%s)
  coproc LOAD { python3 "$ROOT/tests/scale/mixed_load.py" --chaos "$URL" "$RATE" "$seconds" "$round/load" "${USERS[@]}"; }
  read -r -u "${LOAD[0]}" _ || die "the load did not start (is $URL up?)"
  sleep "$KILL_AFTER"
  inject "$failure"
  echo "$KILLED_AT" >"$round/killed_at"
  if [[ $failure == redis-master ]]; then
    follow=$(follow_redis "$old_master" "$baseline" "$KILLED_AT" $((started + seconds + 5)))
  fi
  wait "$LOAD_PID" 2>/dev/null || true
  wait # the SIGCONT of a freeze
  FROZEN=()
  collect_records "$round" $((started - 1))
  python3 "$ROOT/bench/chaos_round.py" "$failure" "$KILLED_AT" "$round/load" "$round/recorded" \
    "$round/changes" "$round/orders" "$follow"
}

status=0
say "load: ${#USERS[@]} clients × $RATE requests/s through $URL; $(uptime)"
healthy || restore || die "the --ha topology is not ready before the campaign"
echo "| failure | requests | 2xx | 4xx | failed (kind:status×n) | writes resume (s): own / plan change | Redis clients on the new master (s) | inquiries 200 / recorded | changes: records / completed / KOS completed / orphan orders / disagree / unsettled | logouts enforced | integrity |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for failure in "${FAILURES[@]}"; do
  run_round "$failure" || status=1
  restore || { status=1; say "stopping: the topology did not heal after $failure"; break; }
done
say "done; $(uptime)"
exit "$status"
