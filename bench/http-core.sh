#!/usr/bin/env bash
# bench/http-core.sh — the HTTP core against nginx (issue: ≥ 0.9× nginx's requests/s).
# kos-sim's GET /api/v1/kos/product/list does no I/O (catalogue in memory, simulated
# latency 0); nginx serves the same bytes from a file. Both run one worker / one I/O
# thread with access logs off; wrk (one thread) drives 100 and 1,000 connections, each
# server in turn, in the same run. Then each server's malloc calls per request
# (bench/tools/mallocs_per_request.sh; needs root and perf, skipped otherwise).
# Usage: bench/http-core.sh [--mallocs] [seconds per run, default 10]
#   --mallocs: only the malloc counts, no throughput runs
#   PHONEBILL_BENCH_BUILD_DIR  build tree with the Release kos-sim (default build/release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MALLOCS_ONLY=false
if [[ ${1:-} == --mallocs ]]; then
  MALLOCS_ONLY=true
  shift
fi
SECONDS_PER_RUN=${1:-10}
BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/release}
[[ -x $BUILD_DIR/services/kos-sim/kos-sim ]] ||
  die "build the Release tree first (./phonebill up builds it)"
command -v wrk >/dev/null && command -v nginx >/dev/null || die "needs wrk and nginx (apt-get install wrk nginx)"

step "Starting PostgreSQL and kos-sim (1 I/O thread, no latency, no access log)"
bench_start_postgres
KOS_PORT=$(free_port)
bench_service_env kos-sim PORT="$KOS_PORT" DATABASE_URL="$(bench_createdb phonebill_kos)" CUSTOMERS=100
env "${SERVICE_ENV[@]}" PHONEBILL_IO_THREADS=1 KOS_SIM_LATENCY_MS=0 KOS_SIM_JITTER_MS=0 \
  "$BUILD_DIR/services/kos-sim/kos-sim" >"$BENCH_TMP/kos-sim.log" 2>&1 &
KOS_PID=$!
BENCH_PIDS+=("$KOS_PID")
bench_wait_http "http://127.0.0.1:$KOS_PORT/readyz"
URL_PATH=/api/v1/kos/product/list

step "Starting nginx (1 worker) with the same body"
NGINX_PORT=$(free_port)
mkdir -p "$BENCH_TMP/nginx/www/api/v1/kos/product"
curl -fsS "http://127.0.0.1:$KOS_PORT$URL_PATH" >"$BENCH_TMP/nginx/www$URL_PATH"
cat >"$BENCH_TMP/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $BENCH_TMP/nginx/nginx.pid;
error_log $BENCH_TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  open_file_cache max=16;
  sendfile on;
  tcp_nodelay on;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    root $BENCH_TMP/nginx/www;
    location / { default_type application/json; }
  }
}
CONF
nginx -c "$BENCH_TMP/nginx/nginx.conf" &
NGINX_PID=$!
BENCH_PIDS+=("$NGINX_PID")
bench_wait_http "http://127.0.0.1:$NGINX_PORT$URL_PATH" 10
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -n 1)

if [[ $MALLOCS_ONLY == false ]]; then
  step "wrk, ${SECONDS_PER_RUN}s per run (body $(stat -c %s "$BENCH_TMP/nginx/www$URL_PATH") bytes)"
  echo "| server | connections | requests/s | p50 | p99 | errors | CPU s |"
  echo "|---|---|---|---|---|---|---|"
  for connections in 100 1000; do
    # Warm both up, then measure back to back.
    wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$NGINX_PORT$URL_PATH" >/dev/null
    wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$KOS_PORT$URL_PATH" >/dev/null
    bench_wrk nginx "$NGINX_WORKER" "$connections" "$SECONDS_PER_RUN" "http://127.0.0.1:$NGINX_PORT$URL_PATH"
    bench_wrk phonebill "$KOS_PID" "$connections" "$SECONDS_PER_RUN" "http://127.0.0.1:$KOS_PORT$URL_PATH"
  done
  echo
fi
if [[ $(id -u) == 0 ]] && command -v perf >/dev/null; then
  step "malloc calls per request (a count: the machine's load does not change it)"
  echo "nginx: $("$ROOT/bench/tools/mallocs_per_request.sh" "$NGINX_WORKER" "http://127.0.0.1:$NGINX_PORT$URL_PATH")"
  echo "phonebill: $("$ROOT/bench/tools/mallocs_per_request.sh" "$KOS_PID" "http://127.0.0.1:$KOS_PORT$URL_PATH")"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }')"
