# shellcheck shell=bash
# deploy/ha/common.sh — what the --ha engines share: their directories and ports, and
# starting one long-lived process in its own session with a pid file. Sourced by
# deploy/ha/datastores-ha.sh (needs ROOT, RUN_DIR and deploy/common.sh); functions only.

# Every port is a base plus the member's index (1..3), so three of each fit side by side.
# The defaults keep clear of the single-copy topology (55432, 56379) and the services.
# shellcheck disable=SC2034 # read by the other deploy/ha files
ha_settings() {
  HA_DIR=$RUN_DIR/ha
  HA_PIDS=$HA_DIR/pids
  HA_MEMBERS=3
  HA_ETCD_PORT=${PHONEBILL_HA_ETCD_PORT:-23790}          # clients; peers at +10
  HA_PG_PORT=${PHONEBILL_HA_PG_PORT:-25432}              # PostgreSQL members
  HA_PATRONI_PORT=${PHONEBILL_HA_PATRONI_PORT:-28008}    # Patroni REST API
  HA_REDIS_PORT=${PHONEBILL_HA_REDIS_PORT:-26390}        # redis-server (first = first master)
  HA_SENTINEL_PORT=${PHONEBILL_HA_SENTINEL_PORT:-26400}  # redis-sentinel
  HA_REDIS_MASTER_NAME=${PHONEBILL_HA_REDIS_MASTER_NAME:-phonebill}
}

# ha_port <base> <member 1..N>
ha_port() { echo $(($1 + $2 - 1)); }

# ha_spawn <pid-file> <log-file> <owner: root|pg> <command...>: starts the command in its
# own session (it outlives this script), as the PostgreSQL owner when asked (setpriv
# execs, so the pid written is the command's own), output appended to the log.
ha_spawn() {
  local pidfile=$1 log=$2 owner=$3
  shift 3
  local -a prefix=(setsid)
  if [[ $owner == pg ]] && ((EUID == 0)); then
    prefix+=(setpriv "--reuid=$PG_SYSTEM_USER" "--regid=$PG_SYSTEM_USER" --init-groups)
  fi
  (cd / && exec "${prefix[@]}" "$@") </dev/null >>"$log" 2>&1 {LOCK_FD}>&- &
  echo "$!" >"$pidfile"
}

# The pid in <pid-file> when that process is alive and its command line contains <word>
# (guards against a recycled pid); prints nothing and returns 1 otherwise.
ha_live_pid() {
  local pidfile=$1 word=$2 pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && process_alive "$pid" || return 1
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *"$word"* ]] || return 1
  echo "$pid"
}

# ha_stop_pid <pid-file> <word> [seconds]: SIGTERM, wait, then SIGKILL; removes the file.
ha_stop_pid() {
  local pidfile=$1 word=$2 wait=${3:-20} pid
  if pid=$(ha_live_pid "$pidfile" "$word"); then
    stop_process "$pid" "$wait" "$word"
  fi
  rm -f "$pidfile"
}

# ha_wait <seconds> <what> <command...>: polls the command until it succeeds.
ha_wait() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || { warn "$what: not ready after ${seconds}s"; return 1; }
    sleep 0.3
  done
}
