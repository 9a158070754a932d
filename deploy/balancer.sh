# shellcheck shell=bash
# deploy/balancer.sh — the front load balancer of `./phonebill up --instances N` (N >= 2):
# HAProxy on the balanced service's public port (the gateway's 8080), the service's
# instances moved to port+100*i, the client address passed by PROXY protocol v2. The
# configuration is .run/haproxy/haproxy.cfg, made from deploy/haproxy/haproxy.cfg.in; the
# process runs in the foreground in its own session like the services (pid in
# .run/pids/haproxy.pid, log .run/logs/haproxy.log). At N = 1 there is no balancer: the
# one gateway keeps the public port (docs/decisions.md). Entry points: balancer_up,
# balancer_down, balancer_state, balanced_service, balancer_wanted.

BALANCER_TEMPLATE=$ROOT/deploy/haproxy/haproxy.cfg.in

# The service the balancer fronts: the one whose services.conf section says balancer=haproxy.
balanced_service() {
  local name
  for name in "${SERVICE_NAMES[@]}"; do
    [[ ${SERVICE_FACTS[$name.balancer]:-} == haproxy ]] && { echo "$name"; return 0; }
  done
  return 1
}

# True when <service> runs behind the balancer: it is the balanced one and runs in copies.
behind_balancer() {
  [[ ${SERVICE_FACTS[$1.balancer]:-} == haproxy ]] && (($(instance_count "$1") > 1))
}

balancer_wanted() {
  local name
  name=$(balanced_service) && behind_balancer "$name"
}

haproxy_binary() { command -v haproxy || echo /usr/sbin/haproxy; }

# Prints the pid of the running balancer; fails when it does not run (the pid must run
# haproxy, so a recycled pid is never taken for it).
balancer_pid() {
  local pid
  [[ -f $PIDS_DIR/haproxy.pid ]] || return 1
  pid=$(<"$PIDS_DIR/haproxy.pid")
  [[ $pid =~ ^[0-9]+$ ]] && process_alive "$pid" || return 1
  [[ $(readlink -f "/proc/$pid/exe" 2>/dev/null) == */haproxy ]] || return 1
  echo "$pid"
}

# The public port: the balanced service's own (PHONEBILL_<SERVICE>_HTTP_PORT overrides).
balancer_port() {
  local name=$1 var
  var="PHONEBILL_$(upper_name "$name")_HTTP_PORT"
  echo "${!var:-${SVC_PORT[$name]}}"
}

# Prints <template> with its placeholders filled: @RUN_DIR@, @PORT@ and the @SERVERS@ line
# (<server lines>, each ending in a newline). Also used by bench/lib.sh.
render_balancer_config() {
  local template=$1 directory=$2 port=$3 servers=$4 line
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == @SERVERS@ ]]; then
      printf '%s' "$servers"
      continue
    fi
    line=${line//@RUN_DIR@/$directory}
    line=${line//@PORT@/$port}
    printf '%s\n' "$line"
  done <"$template"
}

# Writes .run/haproxy/haproxy.cfg for the instances of <service>.
write_balancer_config() {
  local name=$1 i servers='' config=$RUN_DIR/haproxy/haproxy.cfg
  for ((i = 1; i <= $(instance_count "$name"); i++)); do
    servers+="    server $(instance_name "$name" "$i") 127.0.0.1:$(instance_port "$name" "$i")"$'\n'
  done
  mkdir -p "$RUN_DIR/haproxy"
  chmod 700 "$RUN_DIR/haproxy"
  render_balancer_config "$BALANCER_TEMPLATE" "$RUN_DIR" "$(balancer_port "$name")" "$servers" \
    >"$config.new"
  mv "$config.new" "$config"
}

# Starts HAProxy (or reloads it when its configuration changed: the new process takes the
# port and the old one finishes its connections, -sf), or stops it when no longer wanted.
balancer_up() {
  local name
  name=$(balanced_service) || return 0
  if ! behind_balancer "$name"; then
    balancer_down
    return 0
  fi
  local bin config=$RUN_DIR/haproxy/haproxy.cfg log=$LOGS_DIR/haproxy.log pid='' fingerprint
  bin=$(haproxy_binary)
  [[ -x $bin ]] || die "--instances $INSTANCES needs HAProxy in front of the gateways: apt-get install haproxy (or ./phonebill up without --skip-install)"
  write_balancer_config "$name"
  "$bin" -c -q -f "$config" || die "HAProxy refused $config (see above)"
  fingerprint=$({ stat -c '%i %s %Y' "$bin"; cat "$config"; } | sha256sum | cut -c1-32)
  local -a replace=()
  if pid=$(balancer_pid); then
    if [[ ${RESTART:-0} == 0 && $(cat "$PIDS_DIR/haproxy.fingerprint" 2>/dev/null) == "$fingerprint" ]]; then
      info "haproxy: already running (pid $pid)"
      return 0
    fi
    replace=(-sf "$pid")
    info "haproxy: reloading (configuration changed)"
  elif port_in_use "$(balancer_port "$name")"; then
    die "haproxy: port $(balancer_port "$name") is already in use (see: ss -ltnp 'sport = :$(balancer_port "$name")')"
  fi
  printf '{"time":"%s","level":"info","logger":"phonebill-script","message":"starting haproxy on port %s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(balancer_port "$name")" >>"$log"
  (cd "$RUN_DIR/haproxy" && exec setsid "$bin" -db -f "$config" "${replace[@]}") >>"$log" 2>&1 </dev/null {LOCK_FD}>&- &
  echo $! >"$PIDS_DIR/haproxy.pid"
  echo "$fingerprint" >"$PIDS_DIR/haproxy.fingerprint"
  info "haproxy: started (pid $!, port $(balancer_port "$name"), $(instance_count "$name") gateways)"
  local deadline=$((SECONDS + 15))
  until [[ $(balancer_state) == ready ]]; do
    if ! balancer_pid >/dev/null; then
      show_current_run "$log"
      die "haproxy exited before it was ready (log: .run/logs/haproxy.log)"
    fi
    ((SECONDS < deadline)) || die "haproxy: no gateway answers through port $(balancer_port "$name") after 15s (./phonebill logs haproxy)"
    sleep 0.3
  done
  info "haproxy: ready (http://127.0.0.1:$(balancer_port "$name")/readyz)"
}

# SIGTERM (HAProxy stops at once, closing connections), up to 5 s, then SIGKILL.
balancer_down() {
  local pid
  if pid=$(balancer_pid); then
    stop_process "$pid" 5 haproxy
    info "haproxy: stopped"
  fi
  rm -f "$PIDS_DIR/haproxy.pid" "$PIDS_DIR/haproxy.fingerprint"
}

# ready (a gateway answers /readyz through it), unready (...), down, or stopped.
balancer_state() {
  local name
  name=$(balanced_service) || { echo stopped; return; }
  balancer_pid >/dev/null || { echo stopped; return; }
  probe_ready "http://127.0.0.1:$(balancer_port "$name")/readyz"
}
