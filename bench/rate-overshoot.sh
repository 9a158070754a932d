#!/usr/bin/env bash
# bench/rate-overshoot.sh — how far N gateways sharing one Redis overshoot one general
# rate limit (issue 14 item 3; docs/decisions.md, "Shared rate limits"). For N = 1, 2, 3
# gateways and sync intervals T = 100 and 50 ms: a fresh Redis, N gateways with the
# default per-address limit (50/s, burst 100), and one client that sends GET / back to
# back over keep-alive connections, round robin over the gateways, for D seconds. One
# bucket would admit burst + rate x D; the table shows what the fleet admitted, the
# overshoot, and the documented bound (N-1) x (rate x T + burst/4).
# Usage: bench/rate-overshoot.sh [seconds per run, default 4]
#   PHONEBILL_BENCH_BUILD_DIR  build tree with the gateway (default build/release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS_PER_RUN=${1:-4}
BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/release}
GATEWAY_BIN=$BUILD_DIR/services/gateway/gateway
[[ -x $GATEWAY_BIN ]] || die "build the gateway first: no $GATEWAY_BIN"
for tool in redis-server redis-cli python3 curl; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
RATE=50
BURST=100
B=$BENCH_TMP
mkdir -p "$B/web"
echo '<!doctype html><title>bench</title>' >"$B/web/index.html"

step "Redis (the shared buckets)"
bench_start_redis

# run_fleet N SYNC_MS: prints one table row.
run_fleet() {
  local count=$1 sync_ms=$2 index
  redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
  local -a ports=() pids=()
  for ((index = 0; index < count; index++)); do
    local port admin
    port=$(free_port)
    admin=$(free_port)
    bench_service_env gateway PORT="$port" ADMIN_PORT="$admin" WEB_DIR="$B/web" \
      AUTH_URL=http://127.0.0.1:1 BILL_INQUIRY_URL=http://127.0.0.1:1 \
      PRODUCT_CHANGE_URL=http://127.0.0.1:1
    env "${SERVICE_ENV[@]}" PHONEBILL_IO_THREADS=1 PHONEBILL_GATEWAY_RATE_LIMITS=true \
      PHONEBILL_GATEWAY_RATE_IP_PER_SECOND=$RATE PHONEBILL_GATEWAY_RATE_IP_BURST=$BURST \
      PHONEBILL_GATEWAY_RATE_SYNC_MS="$sync_ms" PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS=0 \
      "$GATEWAY_BIN" >"$B/gateway-$count-$sync_ms-$index.log" 2>&1 &
    pids+=("$!")
    BENCH_PIDS+=("$!")
    ports+=("$port")
  done
  # /healthz: readiness would wait for signing keys this bench has no auth for.
  for port in "${ports[@]}"; do bench_wait_http "http://127.0.0.1:$port/healthz" 30; done
  sleep 0.3  # the probes above spent a token each: let it refill, then start from empty Redis
  redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
  python3 - "$SECONDS_PER_RUN" "$RATE" "$BURST" "$sync_ms" "${ports[@]}" <<'PY'
import http.client, sys, time
seconds, rate, burst, sync_ms = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ports = [int(p) for p in sys.argv[5:]]
connections = [http.client.HTTPConnection("127.0.0.1", p, timeout=5) for p in ports]
sent = admitted = 0
first_refused = -1
end = time.monotonic() + seconds
started = time.monotonic()
while time.monotonic() < end:
    connection = connections[sent % len(ports)]
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    if response.status == 200:
        admitted += 1
    elif response.status == 429:
        if first_refused < 0:
            first_refused = sent
    else:
        sys.exit(f"unexpected status {response.status}")
    sent += 1
elapsed = time.monotonic() - started
n = len(ports)
expected = burst + rate * elapsed
bound = (n - 1) * (rate * sync_ms / 1000 + burst / 4)
print(f"| {n} | {sync_ms:.0f} | {sent / elapsed:.0f} | {admitted} | {expected:.0f} | "
      f"{admitted - expected:+.0f} | {bound:.0f} | {first_refused} |")
PY
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

step "Per-address limit $RATE/s burst $BURST, one client round robin, ${SECONDS_PER_RUN}s per run"
echo "| gateways | sync ms | client req/s | admitted | one bucket | overshoot | bound | first 429 at |"
echo "|---|---|---|---|---|---|---|---|"
for sync_ms in 100 50; do
  for count in 1 2 3; do run_fleet "$count" "$sync_ms"; done
done
