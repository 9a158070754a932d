# shellcheck shell=bash
# deploy/mvno_ap.sh — the stand-in MVNO AP server for `./phonebill up` (issue 21,
# docs/events.md): mvno-ap-sim on 127.0.0.1:8085 (PHONEBILL_MVNO_AP_PORT;
# PHONEBILL_MVNO_AP=off leaves it out, and the services then write no events). Its
# signing secret is .run/secrets/mvno-ap-webhook.secret (made once). mvno_ap_up starts
# it (or leaves it running) and exports PHONEBILL_MVNO_AP_URL / PHONEBILL_MVNO_AP_SECRETS,
# which bill-inquiry and product-change take as operator settings (deploy/services.conf).
# Its pid file sits with the services' (.run/pids/mvno-ap-sim.pid), so `down` stops it
# with them. Entry points: mvno_ap_enabled, mvno_ap_up.

mvno_ap_enabled() { [[ ${PHONEBILL_MVNO_AP:-on} != off ]]; }

mvno_ap_up() {
  local bin=$ROOT/build/release/services/mvno-ap-sim/mvno-ap-sim
  local port=${PHONEBILL_MVNO_AP_PORT:-8085} secret=$SECRETS_DIR/mvno-ap-webhook.secret pid
  [[ -x $bin ]] || { info "mvno-ap-sim: not built yet: the outbox stays off"; return 0; }
  if [[ ! -s $secret ]]; then
    (umask 077 && openssl rand -hex 32 >"$secret") || die "openssl could not make $secret"
    info "generated the webhook secret (.run/secrets/mvno-ap-webhook.secret)"
  fi
  export PHONEBILL_MVNO_AP_URL="http://127.0.0.1:$port"
  PHONEBILL_MVNO_AP_SECRETS=$(<"$secret")
  export PHONEBILL_MVNO_AP_SECRETS
  if pid=$(instance_pid mvno-ap-sim); then
    info "mvno-ap-sim: already running (pid $pid)"
    return 0
  fi
  port_in_use "$port" && die "mvno-ap-sim: port $port is in use; set PHONEBILL_MVNO_AP_PORT"
  (cd "$ROOT" && exec setsid env PHONEBILL_HTTP_ADDRESS=127.0.0.1 PHONEBILL_HTTP_PORT="$port" \
    MVNO_AP_SIM_SECRETS="$PHONEBILL_MVNO_AP_SECRETS" "$bin") \
    >>"$LOGS_DIR/mvno-ap-sim.log" 2>&1 </dev/null {LOCK_FD}>&- &
  echo $! >"$PIDS_DIR/mvno-ap-sim.pid"
  info "mvno-ap-sim: started (pid $!, port $port)"
}
