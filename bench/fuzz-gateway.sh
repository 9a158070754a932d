#!/usr/bin/env bash
# bench/fuzz-gateway.sh — malformed requests through a running gateway with bill-inquiry
# behind it (issue 12 item 5, SPEC §2: a malformed request is a 400, never a 500).
# Self-contained: a throwaway PostgreSQL and Redis, kos-sim (100 customers), auth (signing
# keys, JWKS), bill-inquiry and the gateway (rate limits off, so the limiter's 429s do not
# hide what the services answer; product-change is not started, so its routes are the
# gateway's 503 SERVICE_UNAVAILABLE). bench/tools/malformed_requests.py then sends COUNT
# deterministic malformed requests, half with a valid BILL_INQUIRY token, and prints the
# status histogram. Fails if any answer was a 500 or a service logged handler_failed.
# Usage: bench/fuzz-gateway.sh [count, default 100000]
#   PHONEBILL_BENCH_BUILD_DIR  build tree (default build/release): services/{kos-sim,auth,
#     bill-inquiry,gateway} and bench/tools/bench-tokens
set -euo pipefail
source "$(dirname "$0")/lib.sh"

COUNT=${1:-100000}
BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/release}
BIN=$BUILD_DIR/services
for b in kos-sim/kos-sim auth/auth bill-inquiry/bill-inquiry ../bench/tools/bench-tokens gateway/gateway; do
  [[ -x $BIN/$b ]] || die "build the tree first (missing $BIN/$b; PHONEBILL_BENCH_BUILD_DIR picks another tree)"
done
command -v python3 >/dev/null || die "needs python3"

bench_start_datastores

step "Starting kos-sim, auth, bill-inquiry and the gateway"
KOS_PORT=$(free_port)
bench_service_env kos-sim PORT="$KOS_PORT" DATABASE_URL="$(bench_createdb phonebill_kos)" CUSTOMERS=100
env "${SERVICE_ENV[@]}" KOS_SIM_LATENCY_MS=5 KOS_SIM_JITTER_MS=2 \
  "$BIN/kos-sim/kos-sim" >"$BENCH_TMP/kos-sim.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$KOS_PORT/readyz" 600
AUTH_PORT=$(free_port)
bench_service_env auth PORT="$AUTH_PORT" DATABASE_URL="$(bench_createdb phonebill_auth)"
env "${SERVICE_ENV[@]}" "$BIN/auth/auth" >"$BENCH_TMP/auth.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$AUTH_PORT/readyz" 300
BILL_PORT=$(free_port)
bench_service_env bill-inquiry PORT="$BILL_PORT" DATABASE_URL="$(bench_createdb phonebill_bill)" \
  KOS_SIM_URL="http://127.0.0.1:$KOS_PORT" AUTH_URL="http://127.0.0.1:$AUTH_PORT"
env "${SERVICE_ENV[@]}" "$BIN/bill-inquiry/bill-inquiry" >"$BENCH_TMP/bill.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$BILL_PORT/readyz" 300
GW_PORT=$(free_port)
bench_service_env gateway PORT="$GW_PORT" ADMIN_PORT="$(free_port)" AUTH_URL="http://127.0.0.1:$AUTH_PORT" \
  BILL_INQUIRY_URL="http://127.0.0.1:$BILL_PORT" PRODUCT_CHANGE_URL=http://127.0.0.1:1
env "${SERVICE_ENV[@]}" PHONEBILL_GATEWAY_RATE_LIMITS=false "$BIN/gateway/gateway" >"$BENCH_TMP/gateway.log" 2>&1 &
GW_PID=$!
BENCH_PIDS+=("$GW_PID")
bench_wait_http "http://127.0.0.1:$GW_PORT/readyz" 300

step "One BILL_INQUIRY token for a generated line"
"$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_kos -Atc \
  "SELECT line_number FROM lines WHERE status = 'ACTIVE' AND line_number NOT LIKE '0109999%' LIMIT 1" \
  >"$BENCH_TMP/lines.txt"
"$BIN/../bench/tools/bench-tokens" "$BENCH_TMP/secrets" "$BENCH_TMP/lines.txt" "$BENCH_TMP/tokens.txt" BILL_INQUIRY >/dev/null
TOKEN=$(head -1 "$BENCH_TMP/tokens.txt")

step "$COUNT malformed requests through the gateway"
STARTED=$(date +%s.%N)
status=0
python3 "$ROOT/bench/tools/malformed_requests.py" 127.0.0.1 "$GW_PORT" --count "$COUNT" --token "$TOKEN" || status=$?
info "$(awk -v a="$STARTED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
kill -0 "$GW_PID" || die "the gateway died"
for log in gateway bill auth; do
  failed=$(grep -c '"handler_failed"' "$BENCH_TMP/$log.log" || true)
  info "$log: handler_failed logged $failed times"
  ((failed == 0)) || status=1
done
((status == 0)) || die "a malformed request was answered 500 (or a handler failed)"
info "no 500 answers"
