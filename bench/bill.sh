#!/usr/bin/env bash
# bench/bill.sh — bill inquiry under load (issue 5): wrk with one token per line at
# 1,000 connections, lines and months drawn from a Zipf distribution over ≥ 10,000
# lines, through the gateway when it is built (else straight to bill-inquiry). Prints
# requests/s, p50/p99, errors, cache hit ratio, KOS calls/s and history rows written vs
# requests answered. Goals: ≥ 5,000 req/s, p99 < 100 ms, zero errors, hit ratio ≥ 85 %.
# Usage: bench/bill.sh [seconds, default 30] [lines, default 10000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS_RUN=${1:-30}
LINES=${2:-10000}
BIN=$ROOT/build/release/services
for b in kos-sim/kos-sim auth/auth bill-inquiry/bill-inquiry bill-inquiry/bill-bench-tokens; do
  [[ -x $BIN/$b ]] || die "build the Release tree first (missing $BIN/$b)"
done
command -v wrk >/dev/null || die "needs wrk"

step "Starting PostgreSQL and Redis"
bench_start_postgres
REDIS_PORT=$(free_port)
redis_start "$BENCH_TMP/redis" "$REDIS_PORT" "$BENCH_TMP/redis.pid" "$BENCH_TMP/redis.log"
BENCH_PIDS+=("$(<"$BENCH_TMP/redis.pid")")
COMMON=(PHONEBILL_ACCESS_LOG=false PHONEBILL_LOG_LEVEL=warn PHONEBILL_SECRETS_DIR=$BENCH_TMP/secrets
  PHONEBILL_REDIS_URL=redis://127.0.0.1:$REDIS_PORT PHONEBILL_ENVIRONMENT=local)
mkdir -p "$BENCH_TMP/secrets" && chmod 700 "$BENCH_TMP/secrets"

step "Starting kos-sim ($LINES customers, default latency 100 ± 50 ms)"
KOS_PORT=$(free_port)
env "${COMMON[@]}" PHONEBILL_DATABASE_URL="$(bench_createdb phonebill_kos)" PHONEBILL_HTTP_PORT=$KOS_PORT \
  PHONEBILL_MIGRATIONS_DIR=$ROOT/db/kos KOS_SIM_CUSTOMERS=$LINES \
  "$BIN/kos-sim/kos-sim" >"$BENCH_TMP/kos-sim.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$KOS_PORT/readyz" 600

step "Starting auth (JWKS) and bill-inquiry"
AUTH_PORT=$(free_port)
env "${COMMON[@]}" PHONEBILL_DATABASE_URL="$(bench_createdb phonebill_auth)" PHONEBILL_HTTP_PORT=$AUTH_PORT \
  PHONEBILL_MIGRATIONS_DIR=$ROOT/db/auth "$BIN/auth/auth" >"$BENCH_TMP/auth.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$AUTH_PORT/readyz"
BILL_PORT=$(free_port)
env "${COMMON[@]}" PHONEBILL_DATABASE_URL="$(bench_createdb phonebill_bill)" PHONEBILL_HTTP_PORT=$BILL_PORT \
  PHONEBILL_MIGRATIONS_DIR=$ROOT/db/bill PHONEBILL_UPSTREAM_KOS_SIM=http://127.0.0.1:$KOS_PORT \
  PHONEBILL_UPSTREAM_AUTH=http://127.0.0.1:$AUTH_PORT PHONEBILL_DATABASE_POOL_SIZE=8 \
  "$BIN/bill-inquiry/bill-inquiry" >"$BENCH_TMP/bill.log" 2>&1 &
BILL_PID=$!
BENCH_PIDS+=("$BILL_PID")
bench_wait_http "http://127.0.0.1:$BILL_PORT/readyz"
TARGET=http://127.0.0.1:$BILL_PORT
TARGET_PID=$BILL_PID
if [[ -x $BIN/gateway/gateway ]]; then
  GW_PORT=$(free_port)
  env "${COMMON[@]}" PHONEBILL_HTTP_PORT=$GW_PORT PHONEBILL_ADMIN_PORT="$(free_port)" \
    PHONEBILL_UPSTREAM_AUTH=http://127.0.0.1:$AUTH_PORT PHONEBILL_UPSTREAM_BILL_INQUIRY=http://127.0.0.1:$BILL_PORT \
    PHONEBILL_UPSTREAM_PRODUCT_CHANGE=http://127.0.0.1:1 PHONEBILL_UPSTREAM_KOS_SIM=http://127.0.0.1:$KOS_PORT \
    PHONEBILL_GATEWAY_RATE_IP_PER_SECOND=1000000 PHONEBILL_GATEWAY_RATE_IP_BURST=1000000 \
    PHONEBILL_GATEWAY_RATE_USER_PER_SECOND=1000000 PHONEBILL_GATEWAY_RATE_USER_BURST=1000000 \
    "$BIN/gateway/gateway" >"$BENCH_TMP/gateway.log" 2>&1 &
  TARGET_PID=$!
  BENCH_PIDS+=("$TARGET_PID")
  bench_wait_http "http://127.0.0.1:$GW_PORT/readyz"
  TARGET=http://127.0.0.1:$GW_PORT
  # One load generator on one address with Zipf-hot users is not a real client mix:
  # the rate limits are lifted so the run measures capacity, not the limiter.
  info "through the gateway (rate limits lifted for the run)"
else
  warn "no gateway binary: measuring bill-inquiry directly"
fi

step "Signing one token per line"
"$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_kos -Atc \
  "SELECT line_number FROM lines WHERE status = 'ACTIVE' ORDER BY line_number LIMIT $LINES" >"$BENCH_TMP/lines.txt"
"$BIN/bill-inquiry/bill-bench-tokens" "$BENCH_TMP/secrets" "$BENCH_TMP/lines.txt" "$BENCH_TMP/tokens.txt"

cat >"$BENCH_TMP/bill.lua" <<'LUA'
-- Zipf (s = 1) over lines, and over the 24 months (recent months more popular).
local tokens = {}
for token in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = token end
local function cdf(n)
  local c, sum = {}, 0
  for i = 1, n do sum = sum + 1 / i; c[i] = sum end
  for i = 1, n do c[i] = c[i] / sum end
  return c
end
local line_cdf, month_cdf = cdf(#tokens), cdf(12)
local function draw(c)
  local r, lo, hi = math.random(), 1, #c
  while lo < hi do local mid = math.floor((lo + hi) / 2); if c[mid] < r then lo = mid + 1 else hi = mid end end
  return lo
end
local now = os.date("!*t", os.time() + 9 * 3600)
local months = {}
for back = 0, 11 do
  local y, m = now.year, now.month - back
  while m < 1 do m = m + 12; y = y - 1 end
  months[#months + 1] = string.format("%04d-%02d", y, m)
end
request = function()
  local body = '{"inquiryMonth":"' .. months[draw(month_cdf)] .. '"}'
  return wrk.format("POST", "/api/v1/bills/inquiry",
    { ["Authorization"] = "Bearer " .. tokens[draw(line_cdf)], ["Content-Type"] = "application/json" }, body)
end
LUA

step "Warm-up (5 s), then ${SECONDS_RUN} s at 1,000 connections"
BENCH_TOKENS=$BENCH_TMP/tokens.txt wrk -t2 -c200 -d5s -s "$BENCH_TMP/bill.lua" "$TARGET" >/dev/null
metric() { curl -fsS "http://127.0.0.1:$BILL_PORT/metrics" | awk -v p="$1" 'index($0, p) == 1 { s += $NF } END { printf "%.0f", s }'; }
rows() { "$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_bill -Atc "SELECT count(*) FROM bill_inquiry_requests"; }
hits0=$(metric 'bill_cache_lookups_total{result="hit"}'); looks0=$(metric 'bill_cache_lookups_total')
kos0=$(metric 'kos_calls_total{operation="bill.inquiry"'); rows0=$(rows)
echo '| target | conns | req/s | p50 | p99 | errors | CPU s |'
echo '|---|---|---|---|---|---|---|'
BENCH_TOKENS=$BENCH_TMP/tokens.txt bench_wrk bill-inquiry "$TARGET_PID" 1000 "$SECONDS_RUN" "$TARGET" -s "$BENCH_TMP/bill.lua"
sleep 1
hits1=$(metric 'bill_cache_lookups_total{result="hit"}'); looks1=$(metric 'bill_cache_lookups_total')
kos1=$(metric 'kos_calls_total{operation="bill.inquiry"'); rows1=$(rows)
awk -v h=$((hits1 - hits0)) -v l=$((looks1 - looks0)) -v k=$((kos1 - kos0)) -v s="$SECONDS_RUN" -v r=$((rows1 - rows0)) \
  'BEGIN { printf "cache hit ratio %.1f %% (%d of %d lookups), KOS calls/s %.1f, history rows written %d\n", 100 * h / (l ? l : 1), h, l, k / s, r }'
