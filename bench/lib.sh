# shellcheck shell=bash
# bench/lib.sh — shared pieces of the benchmark scripts: a throwaway PostgreSQL and Redis,
# each service's environment from deploy/services.conf, wrk runs parsed into one table
# row, and cleanup. Sourced by bench/*.sh; needs ./phonebill's deploy helpers (sourced
# here) and a Release build.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../deploy/common.sh
source "$ROOT/deploy/common.sh"
# shellcheck source=../deploy/datastores.sh
source "$ROOT/deploy/datastores.sh"
# shellcheck source=../deploy/service_environment.sh
source "$ROOT/deploy/service_environment.sh"
# shellcheck source=../deploy/balancer.sh
source "$ROOT/deploy/balancer.sh"

BENCH_TMP=$(mktemp -d -t phonebill-bench.XXXXXX)
chmod 711 "$BENCH_TMP"
BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${BENCH_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [[ -n ${BENCH_PG_DATA:-} ]] && pg_stop "$BENCH_PG_DATA" >/dev/null 2>&1 || true
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

# Starts PostgreSQL (trust) on a free port; sets BENCH_PG_PORT. Durable as production runs
# it (fsync, synchronous_commit and full_page_writes on), so a bench's write numbers are
# numbers a deployment can have; BENCH_DURABILITY=off turns all three off, for comparison
# only (a result measured so says it).
bench_start_postgres() {
  pg_find_bin
  ensure_pg_system_user
  mkdir -p "$BENCH_TMP/pg"
  chown_to_pg_owner "$BENCH_TMP/pg"
  BENCH_PG_DATA=$BENCH_TMP/pg/data
  pg_init "$BENCH_PG_DATA" trust >/dev/null
  BENCH_PG_PORT=$(free_port)
  local -a durability=("fsync = on" "synchronous_commit = on" "full_page_writes = on")
  if [[ ${BENCH_DURABILITY:-on} == off ]]; then
    durability=("fsync = off" "synchronous_commit = off" "full_page_writes = off")
  elif [[ ${BENCH_DURABILITY:-on} != on ]]; then
    die "BENCH_DURABILITY is on or off, not '$BENCH_DURABILITY'"
  fi
  echo "bench PostgreSQL: ${durability[*]}" >&2
  pg_configure "$BENCH_PG_DATA" "$BENCH_PG_PORT" "${durability[@]}" "log_min_messages = warning"
  pg_start "$BENCH_PG_DATA" "$BENCH_PG_PORT" "$BENCH_TMP/pg/postgres.log" >/dev/null
}

# A Redis on a free port, stopped at exit; sets REDIS_PORT and REDIS_PID.
bench_start_redis() {
  REDIS_PORT=$(free_port)
  redis_start "$BENCH_TMP/redis" "$REDIS_PORT" "$BENCH_TMP/redis.pid" "$BENCH_TMP/redis.log"
  REDIS_PID=$(<"$BENCH_TMP/redis.pid")
  BENCH_PIDS+=("$REDIS_PID")
}

# PostgreSQL (bench_start_postgres), Redis (bench_start_redis) and the secrets directory.
bench_start_datastores() {
  step "Starting PostgreSQL and Redis"
  bench_start_postgres
  bench_start_redis
  mkdir -p "$BENCH_TMP/secrets" && chmod 700 "$BENCH_TMP/secrets"
}

# bench_service_env <service> [KEY=value]...: fills SERVICE_ENV with the service's
# environment as deploy/services.conf describes it, its placeholders filled from the
# arguments (Redis once started, the secrets directory and web/dist are preset); a
# setting you export (PHONEBILL_HEADER_TIMEOUT_MS=5000 bench/slowloris.sh) replaces the
# description's, as under ./phonebill up; then the benchmarks' quiet logging. Start the
# service with   env "${SERVICE_ENV[@]}" [this run's VAR=value...] <binary>
bench_service_env() {
  local service=$1
  shift
  local -a preset=("SECRETS_DIR=$BENCH_TMP/secrets" "WEB_DIR=$ROOT/web/dist")
  [[ -n ${REDIS_PORT:-} ]] && preset+=("REDIS_URL=redis://127.0.0.1:$REDIS_PORT")
  service_environment --operator "$service" "${preset[@]}" "$@"
  SERVICE_ENV+=(PHONEBILL_ACCESS_LOG=false PHONEBILL_LOG_LEVEL=warn)
}

# bench_createdb NAME: an empty database; prints its URL.
bench_createdb() {
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$1"
  echo "postgresql://postgres@127.0.0.1:$BENCH_PG_PORT/$1"
}

# bench_wait_http URL [seconds]: waits until the URL answers 200.
bench_wait_http() {
  local url=$1 seconds=${2:-120} i
  for ((i = 0; i < seconds * 10; i++)); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$url did not answer 200 within ${seconds}s"
}

# bench_cpu_seconds PID...: user+system CPU seconds the processes have used so far (summed).
bench_cpu_seconds() {
  local ticks pid total=0
  ticks=$(getconf CLK_TCK)
  for pid in "$@"; do
    total=$(awk -v t="$total" -v ticks="$ticks" '{ printf "%.2f", t + ($14 + $15) / ticks }' "/proc/$pid/stat")
  done
  echo "$total"
}

# bench_wrk_measure PIDS CONNECTIONS SECONDS URL [wrk args...]: one wrk run against URL
# (one wrk thread); sets WRK_RPS, WRK_P50, WRK_P99, WRK_ERRORS (socket errors + non-2xx),
# WRK_REQUESTS and WRK_CPU (CPU seconds the space-separated PIDS used meanwhile).
bench_wrk_measure() {
  local pids=$1 connections=$2 seconds=$3 url=$4
  shift 4
  local before after out errors non2xx
  # shellcheck disable=SC2086 # PIDS is a list
  before=$(bench_cpu_seconds $pids)
  out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency --timeout 5s "$@" "$url")
  # shellcheck disable=SC2086
  after=$(bench_cpu_seconds $pids)
  WRK_RPS=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  WRK_P50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  WRK_P99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  WRK_REQUESTS=$(awk '/ requests in / { print $1 }' <<<"$out")
  errors=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
  non2xx=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
  WRK_ERRORS=$((${errors:-0} + ${non2xx:-0}))
  WRK_CPU=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", b - a }')
  WRK_CPU_EXACT=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')  # clock ticks
}

# bench_wrk NAME PIDS CONNECTIONS SECONDS URL [wrk args...]: one wrk run against URL,
# printed as a markdown row: name | conns | req/s | p50 | p99 | errors | CPU s of PIDS.
bench_wrk() {
  local name=$1 connections=$3
  bench_wrk_measure "$2" "${@:3}"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$connections" "$WRK_RPS" "$WRK_P50" \
    "$WRK_P99" "$WRK_ERRORS" "$WRK_CPU"
}

# bench_wrk_cost NAME PIDS CONNECTIONS SECONDS URL [wrk args...]: as bench_wrk, and the
# CPU time PIDS spent per request: name | conns | req/s | p50 | p99 | errors | CPU s | CPU µs/request.
bench_wrk_cost() {
  local name=$1 connections=$3
  bench_wrk_measure "$2" "${@:3}"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$connections" "$WRK_RPS" "$WRK_P50" \
    "$WRK_P99" "$WRK_ERRORS" "$WRK_CPU" \
    "$(awk -v c="$WRK_CPU_EXACT" -v n="${WRK_REQUESTS:-0}" 'BEGIN { printf "%.1f", n ? c * 1e6 / n : 0 }')"
}

# bench_haproxy_front PORT GATEWAY_PORT...: HAProxy on PORT with the deployment's own
# configuration (deploy/haproxy/haproxy.cfg.in, or the template PHONEBILL_BENCH_HAPROXY_TEMPLATE
# names, e.g. an older one) in front of the gateways on GATEWAY_PORT... (which must trust
# 127.0.0.1 for the PROXY protocol header); sets HAPROXY_PID once a gateway answers through it.
bench_haproxy_front() {
  local port=$1 servers='' index=0 gateway_port
  shift
  command -v haproxy >/dev/null || die "needs haproxy (apt-get install haproxy)"
  for gateway_port in "$@"; do
    servers+="    server gateway-$((++index)) 127.0.0.1:$gateway_port"$'\n'
  done
  mkdir -p "$BENCH_TMP/haproxy"
  render_balancer_config "${PHONEBILL_BENCH_HAPROXY_TEMPLATE:-$BALANCER_TEMPLATE}" "$BENCH_TMP" \
    "$port" "$servers" >"$BENCH_TMP/haproxy/haproxy.cfg"
  haproxy -c -q -f "$BENCH_TMP/haproxy/haproxy.cfg" || die "HAProxy refused $BENCH_TMP/haproxy/haproxy.cfg"
  haproxy -db -f "$BENCH_TMP/haproxy/haproxy.cfg" >"$BENCH_TMP/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  BENCH_PIDS+=("$HAPROXY_PID")
  bench_wait_http "http://127.0.0.1:$port/readyz" 20
}

# bench_collector: a stand-in OTLP/HTTP collector for the tracing runs (nginx, 1 worker):
# POST /v1/traces answers 200 {} and the spans are thrown away, so a run measures what
# tracing costs the services, not a collector. Sets COLLECTOR_URL.
bench_collector() {
  command -v nginx >/dev/null || die "the tracing runs need nginx (the stand-in collector)"
  local port dir=$BENCH_TMP/collector
  port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 64m;
  server {
    listen 127.0.0.1:$port;
    location = /v1/traces { default_type application/json; return 200 '{}'; }
    location = /readyz { return 200 'UP'; }
  }
}
CONF
  nginx -c "$dir/nginx.conf" &
  BENCH_PIDS+=("$!")
  bench_wait_http "http://127.0.0.1:$port/readyz" 10
  COLLECTOR_URL=http://127.0.0.1:$port
}

# bench_tracing_env RATIO: fills TRACING_ENV with the settings of a service traced at
# RATIO (0…1) to the stand-in collector, or nothing for "off".
bench_tracing_env() {
  # shellcheck disable=SC2034 # read by bench/gateway.sh and bench/bill.sh
  TRACING_ENV=()
  [[ $1 == off ]] && return 0
  # shellcheck disable=SC2034 # read by bench/gateway.sh and bench/bill.sh
  TRACING_ENV=(PHONEBILL_OTLP_ENDPOINT="$COLLECTOR_URL" PHONEBILL_TRACE_SAMPLE_RATIO="$1")
}

# bench_span_counts METRICS_URL: "exported N, dropped N, failed N" from a service's /metrics.
bench_span_counts() {
  curl -fsS "$1" | awk '
    /^phonebill_trace_spans_exported_total / { e = $NF }
    /^phonebill_trace_spans_dropped_total / { d = $NF }
    /^phonebill_trace_spans_export_failed_total / { f = $NF }
    END { printf "exported %d, dropped %d, failed %d", e, d, f }'
}
