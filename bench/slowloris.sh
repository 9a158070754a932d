#!/usr/bin/env bash
# bench/slowloris.sh — the gateway against a slowloris flood (issue 12 item 4, SPEC §2).
# Starts Redis and one gateway (upstreams unused: the flood never completes a request),
# then bench/tools/slowloris.py opens 2,000 connections from loopback, spread over 8
# source addresses (127.0.0.2-9, so the per-address cap of 512 does not hide the head
# deadline), each sending its request head one byte per second, forever. A normal client
# on 127.0.0.1 asks GET /healthz every 20 ms meanwhile. A second, shorter run opens 600
# slow connections from one address to show the per-address cap.
# Goals: every slow connection closed within the header timeout + 2 s (default 10 s + 2 s),
# none left open; the normal client's p99 < 100 ms with no failures.
# Usage: bench/slowloris.sh [connections, default 2000] [seconds, default 20]
#   PHONEBILL_BENCH_BUILD_DIR  build tree with the gateway (default build/release)
#   Extra gateway settings through the environment, e.g. PHONEBILL_HEADER_TIMEOUT_MS=5000.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CONNECTIONS=${1:-2000}
RUN_SECONDS=${2:-20}
BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/release}
GATEWAY_BIN=$BUILD_DIR/services/gateway/gateway
[[ -x $GATEWAY_BIN ]] || die "build the gateway first: no $GATEWAY_BIN (PHONEBILL_BENCH_BUILD_DIR picks another tree)"
command -v python3 >/dev/null || die "needs python3"
command -v redis-server >/dev/null || die "needs redis-server"
(($(ulimit -n) > CONNECTIONS * 2 + 100)) || ulimit -n $((CONNECTIONS * 2 + 1024)) ||
  die "raise the descriptor limit (ulimit -n) above $((CONNECTIONS * 2 + 100))"

step "Starting Redis and the gateway"
bench_start_redis
GW_PORT=$(free_port)
ADMIN_PORT=$(free_port)
bench_service_env gateway PORT="$GW_PORT" ADMIN_PORT="$ADMIN_PORT" AUTH_URL=http://127.0.0.1:1 \
  BILL_INQUIRY_URL=http://127.0.0.1:1 PRODUCT_CHANGE_URL=http://127.0.0.1:1
env "${SERVICE_ENV[@]}" "$GATEWAY_BIN" >"$BENCH_TMP/gateway.log" 2>&1 &
GW_PID=$!
BENCH_PIDS+=("$GW_PID")
bench_wait_http "http://127.0.0.1:$GW_PORT/healthz" 60
info "header timeout ${PHONEBILL_HEADER_TIMEOUT_MS:-10000} ms; gateway pid $GW_PID"

metrics() {
  curl -fsS "http://127.0.0.1:$ADMIN_PORT/metrics" |
    grep -E '^http_connections_(rejected|timed_out)_total|^http_connections_open|^http_accept_failures_total' || true
}

step "$CONNECTIONS slow connections over 8 source addresses for ${RUN_SECONDS}s"
python3 "$ROOT/bench/tools/slowloris.py" 127.0.0.1 "$GW_PORT" --connections "$CONNECTIONS" --sources 8 \
  --duration "$RUN_SECONDS"
metrics

step "600 slow connections from one address (per-address cap) for 14s"
python3 "$ROOT/bench/tools/slowloris.py" 127.0.0.1 "$GW_PORT" --connections 600 --sources 1 --duration 14
metrics
kill -0 "$GW_PID" || die "the gateway died"
info "gateway still running; CPU seconds used: $(bench_cpu_seconds "$GW_PID")"
