#!/usr/bin/env bash
# bench/product.sh — product-change under load (issue 6), through the gateway: throughput
# and p99 of GET /api/v1/products/available (cached: catalogue and line in Redis after a
# warm-up) and of POST /api/v1/products/change against kos-sim with its default latency
# (100 ± 50 ms per KOS call). Each change request uses a line of its own (one change in
# flight per line is the rule), with the line's real current plan and another KT plan, so
# every change goes to KOS. Prints one table row per phase plus KOS calls and the change
# records written.
# Usage: bench/product.sh [seconds, default 15] [lines, default 20000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS_RUN=${1:-15}
LINES=${2:-20000}
BIN=$ROOT/build/release/services
[[ -n ${PHONEBILL_BENCH_BIN:-} ]] && BIN=$PHONEBILL_BENCH_BIN
for b in kos-sim/kos-sim auth/auth gateway/gateway product-change/product-change ../bench/tools/bench-tokens; do
  [[ -x $BIN/$b ]] || die "build the Release tree first (missing $BIN/$b)"
done
command -v wrk >/dev/null || die "needs wrk"

bench_start_datastores

step "Starting kos-sim ($LINES customers, default latency 100 ± 50 ms)"
KOS_PORT=$(free_port)
bench_service_env kos-sim PORT="$KOS_PORT" DATABASE_URL="$(bench_createdb phonebill_kos)" CUSTOMERS="$LINES"
env "${SERVICE_ENV[@]}" "$BIN/kos-sim/kos-sim" >"$BENCH_TMP/kos-sim.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$KOS_PORT/readyz" 600

step "Starting auth (JWKS), product-change and the gateway"
AUTH_PORT=$(free_port)
bench_service_env auth PORT="$AUTH_PORT" DATABASE_URL="$(bench_createdb phonebill_auth)"
env "${SERVICE_ENV[@]}" "$BIN/auth/auth" >"$BENCH_TMP/auth.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$AUTH_PORT/readyz"
PRODUCT_PORT=$(free_port)
bench_service_env product-change PORT="$PRODUCT_PORT" DATABASE_URL="$(bench_createdb phonebill_product)" \
  KOS_SIM_URL="http://127.0.0.1:$KOS_PORT" AUTH_URL="http://127.0.0.1:$AUTH_PORT"
env "${SERVICE_ENV[@]}" PHONEBILL_DATABASE_POOL_SIZE=16 \
  "$BIN/product-change/product-change" >"$BENCH_TMP/product.log" 2>&1 &
PRODUCT_PID=$!
BENCH_PIDS+=("$PRODUCT_PID")
bench_wait_http "http://127.0.0.1:$PRODUCT_PORT/readyz"
GW_PORT=$(free_port)
bench_service_env gateway PORT="$GW_PORT" ADMIN_PORT="$(free_port)" AUTH_URL="http://127.0.0.1:$AUTH_PORT" \
  BILL_INQUIRY_URL=http://127.0.0.1:1 PRODUCT_CHANGE_URL="http://127.0.0.1:$PRODUCT_PORT"
env "${SERVICE_ENV[@]}" PHONEBILL_GATEWAY_RATE_IP_PER_SECOND=1000000 PHONEBILL_GATEWAY_RATE_IP_BURST=1000000 \
  PHONEBILL_GATEWAY_RATE_USER_PER_SECOND=1000000 PHONEBILL_GATEWAY_RATE_USER_BURST=1000000 \
  PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS=0 "$BIN/gateway/gateway" >"$BENCH_TMP/gateway.log" 2>&1 &
GW_PID=$!
BENCH_PIDS+=("$GW_PID")
bench_wait_http "http://127.0.0.1:$GW_PORT/readyz"
TARGET=http://127.0.0.1:$GW_PORT
info "through the gateway (rate limits lifted for the run)"

step "Signing one token per line"
# line, current plan, another on-sale KT plan (the next one in display order).
"$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_kos -AtF' ' -c "
  SELECT l.line_number, l.product_code,
         CASE l.product_code WHEN 'LTE-BASIC-001' THEN 'LTE-PREMIUM-001' ELSE 'LTE-BASIC-001' END
  FROM lines l WHERE l.status = 'ACTIVE' AND l.operator_code = 'KT'
    AND l.line_number NOT LIKE '0109999%' ORDER BY l.line_number" >"$BENCH_TMP/plans.txt"
cut -d' ' -f1 "$BENCH_TMP/plans.txt" >"$BENCH_TMP/lines.txt"
"$BIN/../bench/tools/bench-tokens" "$BENCH_TMP/secrets" "$BENCH_TMP/lines.txt" "$BENCH_TMP/tokens.txt" BILL_INQUIRY,PRODUCT_CHANGE
paste -d' ' "$BENCH_TMP/tokens.txt" <(cut -d' ' -f2,3 "$BENCH_TMP/plans.txt") >"$BENCH_TMP/changes.txt"
TOTAL=$(wc -l <"$BENCH_TMP/changes.txt")
# The first 1,000 lines (at most half of them) for the reads, the rest for changes.
READ_LINES=$((TOTAL / 2 < 1000 ? TOTAL / 2 : 1000))
((READ_LINES > 0)) || die "no ACTIVE KT lines to use: give more lines (second argument)"
head -n "$READ_LINES" "$BENCH_TMP/tokens.txt" >"$BENCH_TMP/read-tokens.txt"
tail -n +"$((READ_LINES + 1))" "$BENCH_TMP/changes.txt" >"$BENCH_TMP/change-lines.txt"

cat >"$BENCH_TMP/available.lua" <<'LUA'
-- Uniform over the first 1,000 lines: after the warm-up every line is cached.
local tokens = {}
for token in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = token end
request = function()
  return wrk.format("GET", "/api/v1/products/available",
    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
LUA
cat >"$BENCH_TMP/change.lua" <<'LUA'
-- Each request changes a line no other request touches (bench_wrk runs one wrk thread,
-- so one counter walks the lines in order).
local rows = {}
for row in io.lines(os.getenv("BENCH_CHANGES")) do rows[#rows + 1] = row end
local counter = 0
request = function()
  counter = counter + 1
  local token, current, target = rows[((counter - 1) % #rows) + 1]:match("(%S+) (%S+) (%S+)")
  local body = '{"currentProductCode":"' .. current .. '","targetProductCode":"' .. target .. '"}'
  return wrk.format("POST", "/api/v1/products/change",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
LUA

metric() { curl -fsS "http://127.0.0.1:$PRODUCT_PORT/metrics" | awk -v p="$1" 'index($0, p) == 1 { s += $NF } END { printf "%.0f", s }'; }
step "available: warm-up (5 s), then ${SECONDS_RUN} s at 200 connections"
BENCH_TOKENS=$BENCH_TMP/read-tokens.txt wrk -t1 -c100 -d5s -s "$BENCH_TMP/available.lua" "$TARGET" >/dev/null
hits0=$(metric 'product_cache_lookups_total{cache="line",result="hit"}'); looks0=$(metric 'product_cache_lookups_total{cache="line"')
echo '| target | conns | req/s | p50 | p99 | errors | CPU s |'
echo '|---|---|---|---|---|---|---|'
BENCH_TOKENS=$BENCH_TMP/read-tokens.txt bench_wrk "available (cached)" "$PRODUCT_PID" 200 "$SECONDS_RUN" "$TARGET" -s "$BENCH_TMP/available.lua"
hits1=$(metric 'product_cache_lookups_total{cache="line",result="hit"}'); looks1=$(metric 'product_cache_lookups_total{cache="line"')

CHANGE_LINES=$(wc -l <"$BENCH_TMP/change-lines.txt")
# About 250 changes/s against kos-sim's default latency: fewer lines than that wrap
# around, and a line's second change fails its pre-check (its plan changed already).
((CHANGE_LINES >= 300 * SECONDS_RUN)) ||
  echo "    warning: $CHANGE_LINES lines for a ${SECONDS_RUN} s change run; expect pre-check failures once they wrap (more lines: second argument)"
step "change: ${SECONDS_RUN} s at 50 connections, one line per request ($CHANGE_LINES lines)"
kos0=$(metric 'kos_calls_total{operation="product.change"')
BENCH_CHANGES=$BENCH_TMP/change-lines.txt bench_wrk "change (KOS 100±50 ms)" "$PRODUCT_PID" 50 "$SECONDS_RUN" "$TARGET" -s "$BENCH_TMP/change.lua"
sleep 1
kos1=$(metric 'kos_calls_total{operation="product.change"')
rows=$("$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_product -Atc \
  "SELECT string_agg(status || '=' || n, ', ') FROM (SELECT status, count(*) n FROM product_changes GROUP BY status) s")
awk -v h=$((hits1 - hits0)) -v l=$((looks1 - looks0)) -v k=$((kos1 - kos0)) -v s="$SECONDS_RUN" \
  'BEGIN { printf "available: line cache hit ratio %.1f %% (%d of %d); change: KOS change calls/s %.1f\n", 100 * h / (l ? l : 1), h, l, k / s }'
echo "change records: $rows"
