# shellcheck shell=bash
# deploy/services.sh — running phonebill's own services for `./phonebill up`: each
# instance is a background process in its own session, stdout/stderr appended to
# .run/logs/<instance>.log, pid in .run/pids/<instance>.pid. The services and the
# environment of every process come from deploy/services.conf (read by
# deploy/service_environment.sh; see docs/configuration.md). Entry points:
# load_service_table, start_service, stop_instances, running_instances, instance_state.

# Fills SERVICE_NAMES (start order) and the SVC_* maps from deploy/services.conf.
load_service_table() {
  read_service_description
  declare -gA SVC_PORT=() SVC_DB=() SVC_SCALE=()
  local name
  for name in "${SERVICE_NAMES[@]}"; do
    SVC_PORT[$name]=${SERVICE_FACTS[$name.port]:-}
    SVC_DB[$name]=${SERVICE_FACTS[$name.database]:--}
    SVC_SCALE[$name]=${SERVICE_FACTS[$name.scales]:-1}
    [[ ${SVC_PORT[$name]} =~ ^[0-9]+$ ]] || die "$SERVICES_FILE: [$name] needs port=<number>"
  done
}

service_binary() { echo "$ROOT/build/release/services/$1/$1"; }
service_built() { [[ -x $(service_binary "$1") ]]; }

# How many instances of a service run: --instances N for scalable ones, else 1.
instance_count() { if [[ ${SVC_SCALE[$1]} == n ]]; then echo "$INSTANCES"; else echo 1; fi; }
# Instance 1 is "auth", the others "auth-2", "auth-3", ...
instance_name() { if (($2 == 1)); then echo "$1"; else echo "$1-$2"; fi; }
# The service an instance name belongs to.
instance_service() {
  local base=${1%-[0-9]*}
  if [[ $base != "$1" && -n ${SVC_PORT[$base]:-} ]]; then echo "$base"; else echo "$1"; fi
}
# Port of instance i: the service's port (PHONEBILL_<SERVICE>_HTTP_PORT overrides the
# table) plus 100 per extra instance: auth 8081, 8181, 8281, ... Behind the balancer
# (deploy/balancer.sh), which takes the service's port, one step further: the gateways
# of --instances 2 listen on 8180 and 8280.
instance_port() {
  local var step=$(($2 - 1))
  var="PHONEBILL_$(upper_name "$1")_HTTP_PORT"
  behind_balancer "$1" && step=$2
  echo $((${!var:-${SVC_PORT[$1]}} + 100 * step))
}
# The admin (metrics) port of instance i, for services with one (admin_port= in
# services.conf; PHONEBILL_<SERVICE>_ADMIN_PORT overrides): 9080, 9180, 9280, ...
instance_admin_port() {
  local var
  var="PHONEBILL_$(upper_name "$1")_ADMIN_PORT"
  local base=${!var:-${SERVICE_FACTS[$1.admin_port]:-}}
  [[ -n $base ]] || return 0
  echo $((base + 100 * ($2 - 1)))
}
# Comma-separated base URLs of every instance of a service.
service_urls() {
  local i urls=()
  for ((i = 1; i <= $(instance_count "$1"); i++)); do
    urls+=("http://127.0.0.1:$(instance_port "$1" "$i")")
  done
  local IFS=,
  echo "${urls[*]}"
}

# Where the services find Redis and their database: the single-copy pair, or with --ha
# (HA=1, deploy/ha) the sentinels and every PostgreSQL member (libpq keeps the writable one).
service_redis_url() {
  if [[ ${HA:-0} == 1 ]]; then ha_redis_url; else echo "redis://127.0.0.1:$REDIS_PORT"; fi
}
service_database_url() {
  if [[ ${HA:-0} == 1 ]]; then
    ha_database_url "$1"
  else
    echo "postgresql://$1:$(<"$SECRETS_DIR/db-$1.password")@127.0.0.1:$PG_PORT/$1?$(pg_tls_client_parameters)"
  fi
}

# Fills SERVICE_ENV (NAME=value words) for instance <i> of service <name>: the wiring
# (ports, URLs, database, directories) computed here fills the placeholders of
# deploy/services.conf; its settings take the operator's overrides (--operator).
build_service_env() {
  local name=$1 i=$2 other
  local -a wiring=(
    "PORT=$(instance_port "$name" "$i")"
    "INSTANCE=$(instance_name "$name" "$i")"
    "REDIS_URL=$(service_redis_url)"
    "SECRETS_DIR=$SECRETS_DIR"
    "CUSTOMERS=$CUSTOMERS"
    "ADMIN_PORT=$(instance_admin_port "$name" "$i")"
    "WEB_DIR=${PHONEBILL_WEB_DIR:-$ROOT/web/dist}"
  )
  # The balancer in front passes the client address: its PROXY header is believed from
  # loopback only. An operator's own list (PHONEBILL_TRUSTED_PROXIES) wins.
  if [[ -n ${PHONEBILL_TRUSTED_PROXIES:-} ]]; then
    wiring+=("TRUSTED_PROXIES=$PHONEBILL_TRUSTED_PROXIES")
  elif behind_balancer "$name"; then
    wiring+=("TRUSTED_PROXIES=127.0.0.1/32")
  fi
  local db=${SVC_DB[$name]}
  if [[ $db != - ]]; then wiring+=("DATABASE_URL=$(service_database_url "$db")"); fi
  # Where every service of the table answers (gateway upstreams, KOS, JWKS).
  for other in "${SERVICE_NAMES[@]}"; do
    wiring+=("$(upper_name "$other")_URL=$(service_urls "$other")")
  done
  service_environment --operator "$name" "${wiring[@]}"
}

# Prints the pid of a running instance; fails when it is not running. The process must
# run our binary (argv[0], or argv[1] for a script), so a recycled pid is never taken
# for it.
instance_pid() {
  local inst=$1 pid bin
  [[ -f $PIDS_DIR/$inst.pid ]] || return 1
  pid=$(<"$PIDS_DIR/$inst.pid")
  [[ $pid =~ ^[0-9]+$ ]] && process_alive "$pid" || return 1
  bin=$(service_binary "$(instance_service "$inst")")
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 2 | grep -qxF -- "$bin" || return 1
  echo "$pid"
}

# Instance names that have a pid file (running or not), e.g. "kos-sim auth auth-2".
running_instances() {
  local file
  for file in "$PIDS_DIR"/*.pid; do
    [[ -e $file ]] && basename "$file" .pid
  done
  return 0
}

# A fingerprint of what an instance runs: the binary's identity and its environment.
# `up` restarts an instance whose fingerprint changed (rebuilt, reconfigured).
instance_fingerprint() {
  { stat -c '%i %s %Y' "$1"; printf '%s\n' "${SERVICE_ENV[@]}"; } | sha256sum | cut -c1-32
}

# Host for health checks of a service bound to <address>.
probe_host() {
  case $1 in
    0.0.0.0 | '' | :: | '[::]') echo 127.0.0.1 ;;
    *:*) echo "[$1]" ;;
    *) echo "$1" ;;
  esac
}

# start_service <name>: starts (or leaves running, or restarts) each instance, then waits
# until every one answers /readyz. Fails with the log tail when one does not.
start_service() {
  local name=$1 count i
  count=$(instance_count "$name")
  # Instances beyond the wanted count (an earlier --instances) are stopped.
  local inst surplus=()
  for inst in $(running_instances); do
    if [[ $(instance_service "$inst") == "$name" && $inst =~ -([0-9]+)$ ]] &&
      ((BASH_REMATCH[1] > count)); then
      surplus+=("$inst")
    fi
  done
  ((${#surplus[@]} == 0)) || stop_instances "${surplus[@]}"
  for ((i = 1; i <= count; i++)); do start_instance "$name" "$i"; done
  for ((i = 1; i <= count; i++)); do wait_ready "$name" "$i"; done
}

start_instance() {
  local name=$1 i=$2 bin inst port pid fingerprint
  bin=$(service_binary "$name")
  inst=$(instance_name "$name" "$i")
  port=$(instance_port "$name" "$i")
  build_service_env "$name" "$i"
  fingerprint=$(instance_fingerprint "$bin")
  if pid=$(instance_pid "$inst"); then
    if [[ ${RESTART:-0} == 0 && $(cat "$PIDS_DIR/$inst.fingerprint" 2>/dev/null) == "$fingerprint" ]]; then
      info "$inst: already running (pid $pid)"
      return 0
    fi
    if [[ ${RESTART:-0} == 1 ]]; then info "$inst: restarting (--restart)"
    else info "$inst: restarting (binary or configuration changed)"; fi
    stop_instances "$inst"
  fi
  if port_in_use "$port"; then
    die "$inst: port $port is already in use by another program (see: ss -ltnp 'sport = :$port'); set PHONEBILL_$(upper_name "$name")_HTTP_PORT to move it"
  fi
  local log=$LOGS_DIR/$inst.log
  printf '{"time":"%s","level":"info","logger":"phonebill-script","message":"starting %s on port %s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$inst" "$port" >>"$log"
  # Own session (setsid): the service outlives this script and the terminal.
  (cd "$ROOT" && exec setsid env "${SERVICE_ENV[@]}" "$bin") >>"$log" 2>&1 </dev/null {LOCK_FD}>&- &
  echo $! >"$PIDS_DIR/$inst.pid"
  echo "$fingerprint" >"$PIDS_DIR/$inst.fingerprint"
  info "$inst: started (pid $!, port $port)"
}

# Prints "ready", "unready" (answers, not ready), "down" (no answer) for one instance.
probe_ready() {
  local url=$1 code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null) || code=000
  case $code in
    200) echo ready ;;
    000) echo down ;;
    *) echo "unready (HTTP $code)" ;;
  esac
}

readyz_url() {
  local name=$1 i=$2 address
  address=$(setting "$(upper_name "$name")" PHONEBILL_HTTP_ADDRESS 127.0.0.1)
  echo "http://$(probe_host "$address"):$(instance_port "$name" "$i")/readyz"
}

# The log lines of the latest start only (from our "starting" line), at most 40.
show_current_run() {
  local log=$1 first
  first=$(grep -n '"logger":"phonebill-script"' "$log" 2>/dev/null | tail -n 1 | cut -d: -f1)
  printf -- '--- %s, this start ---\n' "${log#"$ROOT"/}" >&2
  tail -n +"${first:-1}" "$log" | tail -n 40 >&2
  printf -- '---\n' >&2
}

wait_ready() {
  local name=$1 i=$2 inst url pid state
  inst=$(instance_name "$name" "$i")
  url=$(readyz_url "$name" "$i")
  local deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    state=$(probe_ready "$url")
    [[ $state == ready ]] && { info "$inst: ready ($url)"; return 0; }
    if ! pid=$(instance_pid "$inst"); then
      show_current_run "$LOGS_DIR/$inst.log"
      die "$inst exited before it was ready (log: .run/logs/$inst.log)"
    fi
    if ((SECONDS >= deadline)); then
      show_current_run "$LOGS_DIR/$inst.log"
      die "$inst (pid $pid) not ready after ${READY_TIMEOUT}s: $url is $state. It is left running: ./phonebill logs $inst, ./phonebill down"
    fi
    sleep 0.5
  done
}

# stop_instances <instance>...: SIGTERM to all at once (graceful shutdown), waits up to
# PHONEBILL_STOP_TIMEOUT seconds (15) for all of them, then SIGKILL.
stop_instances() {
  local inst pid
  local -A pids=()
  for inst in "$@"; do
    if pid=$(instance_pid "$inst"); then
      kill -TERM "$pid" 2>/dev/null && pids[$inst]=$pid
    fi
  done
  local deadline=$((SECONDS + ${PHONEBILL_STOP_TIMEOUT:-15}))
  while :; do
    for inst in "${!pids[@]}"; do
      process_alive "${pids[$inst]}" || { info "$inst: stopped"; unset "pids[$inst]"; }
    done
    ((${#pids[@]} == 0 || SECONDS >= deadline)) && break
    sleep 0.2
  done
  for inst in "${!pids[@]}"; do
    warn "$inst (pid ${pids[$inst]}) ignored SIGTERM for ${PHONEBILL_STOP_TIMEOUT:-15}s: SIGKILL"
    kill -KILL "${pids[$inst]}" 2>/dev/null || true
  done
  for inst in "$@"; do rm -f "$PIDS_DIR/$inst.pid" "$PIDS_DIR/$inst.fingerprint"; done
}

# Prints one status word for an instance: ready / unready (...) / down / stopped.
instance_state() {
  local name=$1 i=$2
  instance_pid "$(instance_name "$name" "$i")" >/dev/null || { echo stopped; return; }
  probe_ready "$(readyz_url "$name" "$i")"
}
