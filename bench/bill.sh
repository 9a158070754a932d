#!/usr/bin/env bash
# bench/bill.sh — bill inquiry under load (issue 5). Self-contained: a throwaway
# PostgreSQL and Redis, kos-sim (default latency 100 ± 50 ms), auth (signing keys, JWKS),
# bill-inquiry and the gateway, all Release binaries from one build tree. wrk drives
# POST /api/v1/bills/inquiry through the gateway with one token per line; lines and
# months are drawn from Zipf distributions over ≥ 10,000 lines × 12 months. A warm-up
# (same mix, same connections) brings the cache to its steady state, then the measured
# run prints: requests/s, p50/p99, errors by status and code, cache hit ratio, KOS
# calls/s, history rows written vs requests answered, CPU seconds per process and the
# machine's load before and after.
# Goals: ≥ 5,000 req/s, p99 < 100 ms, zero errors, hit ratio ≥ 85 %.
#
# Usage: bench/bill.sh [options] [seconds [lines]]
#   -d SECONDS   measured run (default 30)
#   -w SECONDS   warm-up before it (default 90; 0: measure a cold cache)
#   -P           before the warm-up, ask once for every (line, month) key (200 connections):
#                the steady state of a 24 h cache, where only the current month's bill
#                (fresh for 1 h) and new lines ever miss
#   -c CONNS     connections (default 1000)
#   -l LINES     kos-sim customers = Zipf key space over lines (default 10000)
#   -s EXPONENT  Zipf exponent over lines (default 1.0)
#   -m MONTHS    months in the mix, newest first, Zipf s = 1 (default 12, at most 24)
#   -k MS        think time per connection between requests, uniform in [0.5, 1.5] × MS
#                (default 0: closed loop, each connection sends as fast as answered)
#   -L MS / -J MS  kos-sim latency and jitter (default 100 / 50)
#   -e VAR=VALUE extra environment for bill-inquiry (repeatable), e.g. -e PHONEBILL_KOS_MAX_CONCURRENT=256
#   -g VAR=VALUE extra environment for the gateway (repeatable)
#   -t THREADS   wrk threads (default 1)
#   --direct     measure bill-inquiry without the gateway
#   --front      also measure through the front tier (issue 14): after the measured run on
#                one gateway direct, the same run through HAProxy 2.6 (the deployment's
#                deploy/haproxy/haproxy.cfg.in, PROXY protocol v2) in front of two gateways;
#                one table with both, CPU µs per request of the gateway(s) and HAProxy
#   --mallocs    after the measured run, 8 s more of the same load with bill-inquiry's malloc
#                calls counted (perf uprobes on its allocator, bench/tools/malloc_probes.sh;
#                root only): mallocs per answered
#                request, and those of 1 KiB or more (glibc's tcache stops at 1,032 bytes).
#                A count, independent of the machine's load; the measured run is not probed
#   --tracing    instead of the one measured run, the cost of tracing (issue 18): after the
#                warm-up, bill-inquiry (and the gateway) restarted three times on the warm
#                cache — tracing off, at 1 %, at 100 % (spans to a stand-in collector that
#                throws them away, bench_collector) — each settled 5 s, then measured; one
#                table: req/s, p50/p99, errors, CPU µs per request, spans exported/dropped
#   PHONEBILL_BENCH_LOG_DIR    copy the services' logs and raw wrk output there at the end
#   PHONEBILL_BENCH_BUILD_DIR  build tree with the Release binaries (default build/release):
#     services/{kos-sim,auth,bill-inquiry,gateway} and bench/tools/bench-tokens
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUN_SECONDS=30 WARM_SECONDS=90 CONNS=1000 LINES=10000 ZIPF_S=1.0 MONTHS=12 THINK_MS=0
KOS_LATENCY=100 KOS_JITTER=50 THREADS=1 DIRECT=false PREWARM=false FRONT=false TRACING=false
MALLOCS=false
TRACING_ENV=()
BILL_EXTRA=() GATEWAY_EXTRA=() POSITIONAL=()
while (($#)); do
  case $1 in
    -d) RUN_SECONDS=$2; shift 2 ;;
    -w) WARM_SECONDS=$2; shift 2 ;;
    -c) CONNS=$2; shift 2 ;;
    -l) LINES=$2; shift 2 ;;
    -s) ZIPF_S=$2; shift 2 ;;
    -m) MONTHS=$2; shift 2 ;;
    -k) THINK_MS=$2; shift 2 ;;
    -L) KOS_LATENCY=$2; shift 2 ;;
    -J) KOS_JITTER=$2; shift 2 ;;
    -e) BILL_EXTRA+=("$2"); shift 2 ;;
    -g) GATEWAY_EXTRA+=("$2"); shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    --direct) DIRECT=true; shift ;;
    --front) FRONT=true; shift ;;
    --tracing) TRACING=true; shift ;;
    --mallocs) MALLOCS=true; shift ;;
    -P) PREWARM=true; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done
((${#POSITIONAL[@]} > 0)) && RUN_SECONDS=${POSITIONAL[0]}
((${#POSITIONAL[@]} > 1)) && LINES=${POSITIONAL[1]}
((MONTHS >= 1 && MONTHS <= 24)) || die "-m must be 1…24"
[[ $FRONT == true && $DIRECT == true ]] && die "--front measures the gateways: not with --direct"
[[ $FRONT == true && $TRACING == true ]] && die "--front and --tracing are separate runs"

BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/release}
BIN=$BUILD_DIR/services
for b in kos-sim/kos-sim auth/auth bill-inquiry/bill-inquiry ../bench/tools/bench-tokens gateway/gateway; do
  [[ -x $BIN/$b ]] || die "build the Release tree first (missing $BIN/$b; PHONEBILL_BENCH_BUILD_DIR picks another tree)"
done
command -v wrk >/dev/null || die "needs wrk"

machine() {
  printf 'machine: %s vCPU (%s), %s; load average %s\n' "$(nproc)" \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}
machine

bench_start_datastores

step "Starting kos-sim ($LINES customers, latency $KOS_LATENCY ± $KOS_JITTER ms)"
KOS_PORT=$(free_port)
bench_service_env kos-sim PORT="$KOS_PORT" DATABASE_URL="$(bench_createdb phonebill_kos)" CUSTOMERS="$LINES"
env "${SERVICE_ENV[@]}" KOS_SIM_LATENCY_MS="$KOS_LATENCY" KOS_SIM_JITTER_MS="$KOS_JITTER" \
  "$BIN/kos-sim/kos-sim" >"$BENCH_TMP/kos-sim.log" 2>&1 &
KOS_PID=$!
BENCH_PIDS+=("$KOS_PID")
bench_wait_http "http://127.0.0.1:$KOS_PORT/readyz" 600

step "Starting auth (signing keys, JWKS), bill-inquiry and the gateway"
AUTH_PORT=$(free_port)
bench_service_env auth PORT="$AUTH_PORT" DATABASE_URL="$(bench_createdb phonebill_auth)"
env "${SERVICE_ENV[@]}" "$BIN/auth/auth" >"$BENCH_TMP/auth.log" 2>&1 &
BENCH_PIDS+=($!)
bench_wait_http "http://127.0.0.1:$AUTH_PORT/readyz"
BILL_PORT=$(free_port)
BILL_DATABASE=$(bench_createdb phonebill_bill)
# start_bill NAME: bill-inquiry on BILL_PORT (with TRACING_ENV); sets BILL_PID.
start_bill() {
  bench_service_env bill-inquiry PORT="$BILL_PORT" DATABASE_URL="$BILL_DATABASE" \
    KOS_SIM_URL="http://127.0.0.1:$KOS_PORT" AUTH_URL="http://127.0.0.1:$AUTH_PORT"
  env "${SERVICE_ENV[@]}" "${BILL_EXTRA[@]}" "${TRACING_ENV[@]}" "$BIN/bill-inquiry/bill-inquiry" \
    >"$BENCH_TMP/$1.log" 2>&1 &
  BILL_PID=$!
  BENCH_PIDS+=("$BILL_PID")
  bench_wait_http "http://127.0.0.1:$BILL_PORT/readyz"
}
start_bill bill
TARGET=http://127.0.0.1:$BILL_PORT
GW_PID=''
# start_gateway NAME: a gateway in front of auth and bill-inquiry; sets GW_PID and GW_PORT.
# With --front it trusts 127.0.0.1's PROXY protocol header (HAProxy's).
start_gateway() {
  GW_PORT=$(free_port)
  GW_ADMIN=$(free_port)
  local trusted=''
  [[ $FRONT == true ]] && trusted=127.0.0.1/32
  # One load generator on one address with Zipf-hot users is not a real client mix:
  # the rate limits are off so the run measures capacity, not the limiter.
  bench_service_env gateway PORT="$GW_PORT" ADMIN_PORT="$GW_ADMIN" AUTH_URL="http://127.0.0.1:$AUTH_PORT" \
    BILL_INQUIRY_URL="http://127.0.0.1:$BILL_PORT" PRODUCT_CHANGE_URL=http://127.0.0.1:1 TRUSTED_PROXIES="$trusted"
  env "${SERVICE_ENV[@]}" PHONEBILL_GATEWAY_RATE_LIMITS=false PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS=0 \
    "${GATEWAY_EXTRA[@]}" "${TRACING_ENV[@]}" "$BIN/gateway/gateway" >"$BENCH_TMP/$1.log" 2>&1 &
  GW_PID=$!
  BENCH_PIDS+=("$GW_PID")
  bench_wait_http "http://127.0.0.1:$GW_PORT/readyz"
}
GW_PID=''
if [[ $DIRECT == false ]]; then
  if [[ $FRONT == true ]]; then
    start_gateway gateway-2
    GW2_PID=$GW_PID GW2_PORT=$GW_PORT
  fi
  start_gateway gateway
  TARGET=http://127.0.0.1:$GW_PORT
  if [[ $FRONT == true ]]; then
    step "HAProxy 2.6 (deploy/haproxy/haproxy.cfg.in) in front of both gateways"
    FRONT_PORT=$(free_port)
    bench_haproxy_front "$FRONT_PORT" "$GW_PORT" "$GW2_PORT"
  fi
fi
PG_PID=$(sed -n 1p "$BENCH_PG_DATA/postmaster.pid")

step "Signing one token per line"
# Lines with all 24 bills (the generated customers); the fixed demo and fault-scenario
# lines (slow, 9999, no bills, suspended) would measure KOS's scripted failures instead.
"$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_kos -Atc "
  SELECT l.line_number FROM lines l
  WHERE l.status = 'ACTIVE' AND l.line_number NOT LIKE '0109999%'
    AND (SELECT count(*) FROM bills b WHERE b.line_number = l.line_number) >= $MONTHS
  ORDER BY md5(l.line_number) LIMIT $LINES" >"$BENCH_TMP/lines.txt"
"$BIN/../bench/tools/bench-tokens" "$BENCH_TMP/secrets" "$BENCH_TMP/lines.txt" "$BENCH_TMP/tokens.txt" BILL_INQUIRY >/dev/null
LINE_COUNT=$(wc -l <"$BENCH_TMP/lines.txt")
info "$LINE_COUNT lines × $MONTHS months = $((LINE_COUNT * MONTHS)) keys; Zipf s = $ZIPF_S over lines, s = 1 over months"

cat >"$BENCH_TMP/bill.lua" <<'LUA'
-- Zipf over lines (exponent BENCH_ZIPF_S) and over the newest BENCH_MONTHS months (s = 1);
-- non-200 answers are counted by status and error code and printed by done().
local tokens = {}
for token in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = token end
local s = tonumber(os.getenv("BENCH_ZIPF_S"))
local think = tonumber(os.getenv("BENCH_THINK_MS"))
local function cdf(n, exponent)
  local c, sum = {}, 0
  for i = 1, n do sum = sum + 1 / i ^ exponent; c[i] = sum end
  for i = 1, n do c[i] = c[i] / sum end
  return c
end
local month_count = tonumber(os.getenv("BENCH_MONTHS"))
local line_cdf, month_cdf = cdf(#tokens, s), cdf(month_count, 1)
local function draw(c)
  local r, lo, hi = math.random(), 1, #c
  while lo < hi do local mid = math.floor((lo + hi) / 2); if c[mid] < r then lo = mid + 1 else hi = mid end end
  return lo
end
local now = os.date("!*t", os.time() + 9 * 3600)  -- Seoul
local bodies = {}
for back = 0, month_count - 1 do
  local y, m = now.year, now.month - back
  while m < 1 do m = m + 12; y = y - 1 end
  bodies[#bodies + 1] = string.format('{"inquiryMonth":"%04d-%02d"}', y, m)
end
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function init(args) math.randomseed(os.time() + #threads * 7919); errors = {} end
function request()
  return wrk.format("POST", "/api/v1/bills/inquiry",
    { ["Authorization"] = "Bearer " .. tokens[draw(line_cdf)], ["Content-Type"] = "application/json" },
    bodies[draw(month_cdf)])
end
function response(status, headers, body)
  if status ~= 200 then
    local key = status .. " " .. (body and body:match('"code":"([%w_]+)"') or "-")
    errors[key] = (errors[key] or 0) + 1
  end
end
if think > 0 then
  function delay() return math.floor(think * (0.5 + math.random())) end
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("errors") or {}) do total[key] = (total[key] or 0) + count end
  end
  for key, count in pairs(total) do io.write(string.format("ERRORS %s %d\n", key, count)) end
  local e = summary.errors
  io.write(string.format("SOCKET connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read, e.write, e.timeout))
  io.write(string.format("TOTAL %d\n", summary.requests))
end
LUA
export BENCH_TOKENS=$BENCH_TMP/tokens.txt BENCH_ZIPF_S=$ZIPF_S BENCH_MONTHS=$MONTHS BENCH_THINK_MS=$THINK_MS

metric() { curl -fsS "http://127.0.0.1:$BILL_PORT/metrics" | awk -v p="$1" 'index($0, p) == 1 { s += $NF } END { printf "%.0f", s }'; }
rows() { "$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_bill -Atc "SELECT count(*) FROM bill_inquiry_requests"; }
pg_cpu() {  # the whole cluster: postmaster and its children
  local total=0 pid
  for pid in $PG_PID $(pgrep -P "$PG_PID"); do
    total=$(awk -v t="$total" -v c="$(bench_cpu_seconds "$pid" 2>/dev/null || echo 0)" 'BEGIN { print t + c }')
  done
  echo "$total"
}
cpu_snapshot() {
  local gw=0
  [[ -n $GW_PID ]] && gw=$(bench_cpu_seconds "$GW_PID")
  echo "$gw $(bench_cpu_seconds "$BILL_PID") $(bench_cpu_seconds "$KOS_PID") $(pg_cpu) $(bench_cpu_seconds "$REDIS_PID")"
}
snapshot() {
  curl -fsS -o /dev/null "http://127.0.0.1:$BILL_PORT/readyz" || true  # refreshes the history gauges
  echo "$(metric 'bill_cache_lookups_total{result="hit"}') $(metric 'bill_cache_lookups_total') $(metric 'kos_calls_total{operation="bill.inquiry"') $(rows) $(metric 'kos_calls_refused_total') $(metric 'bill_kos_gate_total{outcome="waited"}') $(metric 'bill_history_batches_total') $(metric 'bill_history_entries_total')"
}
# One wrk run; prints its raw output to $BENCH_TMP/wrk-<name>.txt.
run_wrk() {
  local name=$1 seconds=$2
  wrk -t"$THREADS" -c"$CONNS" -d"${seconds}s" --latency --timeout 5s -s "$BENCH_TMP/bill.lua" "$TARGET" \
    >"$BENCH_TMP/wrk-$name.txt" 2>&1
}
report_hits() {  # before after seconds
  read -r h0 l0 k0 r0 x0 q0 b0 e0 <<<"$1"
  read -r h1 l1 k1 r1 x1 q1 b1 e1 <<<"$2"
  awk -v h=$((h1 - h0)) -v l=$((l1 - l0)) -v k=$((k1 - k0)) -v s="$3" -v x=$((x1 - x0)) -v q=$((q1 - q0)) \
    -v b=$((b1 - b0)) -v e=$((e1 - e0)) \
    'BEGIN { printf "cache hit ratio %.1f %% (%d of %d lookups); KOS calls %.0f/s; KOS calls refused %d; misses that queued for KOS %d; history %d commits, %.1f entries each\n", 100 * h / (l ? l : 1), h, l, k / s, x, q, b, e / (b ? b : 1) }'
}

if [[ $PREWARM == true ]]; then
  cat >"$BENCH_TMP/prewarm.lua" <<'LUA'
-- Every (line, month) key once, in order, then stop.
local tokens = {}
for token in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = token end
local month_count = tonumber(os.getenv("BENCH_MONTHS"))
local now = os.date("!*t", os.time() + 9 * 3600)
local bodies = {}
for back = 0, month_count - 1 do
  local y, m = now.year, now.month - back
  while m < 1 do m = m + 12; y = y - 1 end
  bodies[#bodies + 1] = string.format('{"inquiryMonth":"%04d-%02d"}', y, m)
end
local total, sent = #tokens * month_count, 0
function request()
  local k = sent % total
  sent = sent + 1
  return wrk.format("POST", "/api/v1/bills/inquiry",
    { ["Authorization"] = "Bearer " .. tokens[math.floor(k / month_count) + 1], ["Content-Type"] = "application/json" },
    bodies[k % month_count + 1])
end
LUA
  step "Pre-warm: every one of $((LINE_COUNT * MONTHS)) keys once (200 connections)"
  before=$(snapshot)
  started=$SECONDS
  # wrk runs for its whole -d: stop it once KOS has answered every key (or progress stalls).
  wrk -t1 -c200 -d1800s --timeout 5s -s "$BENCH_TMP/prewarm.lua" "$TARGET" >"$BENCH_TMP/wrk-prewarm.txt" 2>&1 &
  WRK_PID=$!
  fetched0=$(metric 'kos_calls_total{operation="bill.inquiry",result="0000"}') last=-1 stalled=0
  while kill -0 "$WRK_PID" 2>/dev/null; do
    sleep 1
    fetched=$(($(metric 'kos_calls_total{operation="bill.inquiry",result="0000"}') - fetched0))
    ((fetched >= LINE_COUNT * MONTHS)) && break
    if ((fetched == last)); then ((++stalled >= 10)) && { warn "pre-warm stalled at $fetched keys"; break; }; else stalled=0; fi
    last=$fetched
  done
  kill "$WRK_PID" 2>/dev/null || true
  wait "$WRK_PID" 2>/dev/null || true
  info "pre-warm took $((SECONDS - started)) s: $(report_hits "$before" "$(snapshot)" "$((SECONDS - started))")"
fi

if ((WARM_SECONDS > 0)); then
  step "Warm-up: ${WARM_SECONDS} s, same mix, $CONNS connections"
  before=$(snapshot)
  run_wrk warmup "$WARM_SECONDS"
  info "warm-up: $(awk '/^Requests\/sec/ { printf "%.0f req/s", $2 } /^ERRORS/ { e += $NF } END { printf ", %d errors", e }' "$BENCH_TMP/wrk-warmup.txt")"
  info "$(report_hits "$before" "$(snapshot)" "$WARM_SECONDS")"
fi

if [[ $TRACING == true ]]; then
  bench_collector
  step "The cost of tracing: bill-inquiry$([[ $DIRECT == false ]] && echo " and the gateway") traced off, at 1 %, at 100 %; ${RUN_SECONDS} s each at $CONNS connections"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| tracing | target | conns | req/s | p50 | p99 | errors | requests | bill-inquiry CPU µs/request | gateway CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  declare -A LABEL=([off]="off" [0.01]="1 %" [1]="100 %")
  SPANS=()
  for ratio in off 0.01 1; do
    # The same stack restarted with this ratio; Redis keeps the cache warm across it.
    bench_tracing_env "$ratio"
    kill "$BILL_PID" && wait "$BILL_PID" 2>/dev/null || true
    start_bill "bill-trace-$ratio"
    if [[ $DIRECT == false ]]; then
      kill "$GW_PID" && wait "$GW_PID" 2>/dev/null || true
      start_gateway "gateway-trace-$ratio"
      TARGET=http://127.0.0.1:$GW_PORT
    fi
    run_wrk "settle-$ratio" 5
    cpu_before=$(cpu_snapshot)
    run_wrk "trace-$ratio" "$RUN_SECONDS"
    cpu_after=$(cpu_snapshot)
    read -r g0 b0 _ <<<"$cpu_before"
    read -r g1 b1 _ <<<"$cpu_after"
    awk -v name="${LABEL[$ratio]}" -v target="$([[ $DIRECT == true ]] && echo "bill-inquiry (direct)" || echo "gateway → bill-inquiry")" \
      -v conns="$CONNS" -v g="$(awk -v a="$g0" -v b="$g1" 'BEGIN { print b - a }')" \
      -v b="$(awk -v a="$b0" -v b="$b1" 'BEGIN { print b - a }')" '
      /^Requests\/sec/ { rps = sprintf("%.0f", $2) }
      $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
      /^TOTAL/ { total = $2 }
      /^ERRORS/ { errors += $NF }
      /^SOCKET/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); errors += kv[2] } }
      END { printf "| %s | %s | %s | %s | %s | %s | %d | %d | %.0f | %.0f |\n", name, target, conns, rps, p50, p99,
            errors, total, total ? b * 1e6 / total : 0, total ? g * 1e6 / total : 0 }' "$BENCH_TMP/wrk-trace-$ratio.txt"
    if [[ $ratio != off ]]; then
      sleep 2  # the last export round
      SPANS+=("spans at ${LABEL[$ratio]}: bill-inquiry $(bench_span_counts "http://127.0.0.1:$BILL_PORT/metrics")")
      [[ $DIRECT == false ]] &&
        SPANS+=("spans at ${LABEL[$ratio]}: gateway $(bench_span_counts "http://127.0.0.1:$GW_ADMIN/metrics")")
    fi
  done
  echo
  printf '%s\n' "${SPANS[@]}"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "settings: --tracing -d $RUN_SECONDS -w $WARM_SECONDS -c $CONNS -l $LINES -m $MONTHS -L $KOS_LATENCY -J $KOS_JITTER$([[ $DIRECT == true ]] && echo " --direct") (build: ${BUILD_DIR#"$ROOT"/})"
  exit 0
fi

step "Measured run: ${RUN_SECONDS} s at $CONNS connections (think time ${THINK_MS} ms)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
before=$(snapshot)
cpu_before=$(cpu_snapshot)
run_wrk measured "$RUN_SECONDS"
cpu_after=$(cpu_snapshot)
sleep 1
after=$(snapshot)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
out=$BENCH_TMP/wrk-measured.txt
rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$out")
p50=$(awk '$1 == "50%" { print $2 }' "$out")
p90=$(awk '$1 == "90%" { print $2 }' "$out")
p99=$(awk '$1 == "99%" { print $2 }' "$out")
total=$(awk '/^TOTAL/ { print $2 }' "$out")
errors=$(awk '/^ERRORS/ { s += $NF } /^SOCKET/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); s += kv[2] } } END { print s + 0 }' "$out")
target_name=$([[ $DIRECT == true ]] && echo "bill-inquiry (direct)" || echo "gateway → bill-inquiry")
echo
echo "| target | conns | think | req/s | p50 | p90 | p99 | errors | requests |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '| %s | %s | %s ms | %s | %s | %s | %s | %s | %s |\n' "$target_name" "$CONNS" "$THINK_MS" "$rps" "$p50" "$p90" "$p99" "$errors" "$total"
echo
grep '^ERRORS' "$out" | sed 's/^ERRORS /errors: /' || true
grep '^SOCKET' "$out" | sed 's/^SOCKET/socket errors:/'
report_hits "$before" "$after" "$RUN_SECONDS"
read -r _ _ _ r0 _ <<<"$before"
read -r _ _ _ r1 _ <<<"$after"
echo "history rows written $((r1 - r0)) for $total requests answered (difference: requests in flight at the window's edges)"
read -r g0 b0 k0 p0 d0 <<<"$cpu_before"
read -r g1 b1 k1 p1 d1 <<<"$cpu_after"
awk -v g="$(awk -v a="$g0" -v b="$g1" 'BEGIN{print b-a}')" -v b="$(awk -v a="$b0" -v b="$b1" 'BEGIN{print b-a}')" \
  -v k="$(awk -v a="$k0" -v b="$k1" 'BEGIN{print b-a}')" -v p="$(awk -v a="$p0" -v b="$p1" 'BEGIN{print b-a}')" \
  -v d="$(awk -v a="$d0" -v b="$d1" 'BEGIN{print b-a}')" -v s="$RUN_SECONDS" \
  -v n="$total" \
  'BEGIN { printf "CPU seconds per second of run: gateway %.2f, bill-inquiry %.2f, kos-sim %.2f, PostgreSQL %.2f, Redis %.2f (wrk not counted)\n", g/s, b/s, k/s, p/s, d/s
           # Per answered request from the CPU seconds themselves (the rounded rates above
           # lose ~1 µs per request at 10,000 req/s).
           if (n > 0) printf "CPU µs per answered request: gateway %.1f, bill-inquiry %.1f, PostgreSQL %.1f, Redis %.1f, total %.1f (kos-sim %.1f not counted)\n", g*1e6/n, b*1e6/n, p*1e6/n, d*1e6/n, (g+b+p+d)*1e6/n, k*1e6/n }'
echo "cache lookups since start: $(curl -fsS "http://127.0.0.1:$BILL_PORT/metrics" | awk -F'[{}" ]' '/^bill_cache_lookups_total\{/ { printf "%s %.0f, ", $3, $NF } /^bill_near_cache_hits_total / { printf "of the hits from the near cache %.0f, ", $NF }')Redis keys $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" dbsize)"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
echo "settings:$([[ $PREWARM == true ]] && echo " -P")$([[ $FRONT == true ]] && echo " --front") -d $RUN_SECONDS -w $WARM_SECONDS -c $CONNS -l $LINES -s $ZIPF_S -m $MONTHS -k $THINK_MS -L $KOS_LATENCY -J $KOS_JITTER -t $THREADS${BILL_EXTRA[*]:+ -e ${BILL_EXTRA[*]}}${GATEWAY_EXTRA[*]:+ -g ${GATEWAY_EXTRA[*]}} (build: ${BUILD_DIR#"$ROOT"/})"
if [[ $MALLOCS == true ]]; then
  # The same load for 8 s more, bill-inquiry's malloc calls counted by size (a uprobe with
  # the size argument; the filter keeps the second event to 1 KiB or more).
  step "bill-inquiry's mallocs per answered request: 8 s of the same load, malloc probed"
  source "$ROOT/bench/tools/malloc_probes.sh"
  malloc_probes_add "$BILL_PID" || die "could not probe bill-inquiry's allocator"
  mapfile -t malloc_events < <(malloc_probes_stat_args 'size >= 1024')
  run_wrk mallocs 10 &
  mallocs_wrk=$!
  sleep 1
  answered_before=$(metric 'bill_inquiries_total')
  perf stat -x, -o "$BENCH_TMP/mallocs.perf" "${malloc_events[@]}" -p "$BILL_PID" -- sleep 8
  answered_after=$(metric 'bill_inquiries_total')
  wait "$mallocs_wrk" || true
  malloc_probes_remove
  # The events' lines: every entry point, then every entry point again at 1 KiB or more.
  awk -F, -v r=$((answered_after - answered_before)) -v k=${#MALLOC_PROBE_EVENTS[@]} \
    -v g="$MALLOC_PROBE_GROUP:" 'index($0, g) { if (++n <= k) c[1] += $1; else c[2] += $1 }
    END { printf "bill-inquiry: %.1f mallocs per answered request, %.2f of 1 KiB or more (%d mallocs, %d large, %d requests)\n", c[1] / r, c[2] / r, c[1], c[2], r }' \
    "$BENCH_TMP/mallocs.perf"
fi
if [[ $FRONT == true ]]; then
  # The same run through HAProxy → 2 gateways, on the cache the direct run left warm.
  step "Measured run through HAProxy → 2 gateways: ${RUN_SECONDS} s at $CONNS connections"
  cpu_direct=$(awk -v a="$g0" -v b="$g1" 'BEGIN { print b - a }')
  front_before=$(bench_cpu_seconds "$HAPROXY_PID" "$GW_PID" "$GW2_PID")
  haproxy_before=$(bench_cpu_seconds "$HAPROXY_PID")
  stack_before=$(cpu_snapshot)
  TARGET=http://127.0.0.1:$FRONT_PORT
  run_wrk front "$RUN_SECONDS"
  front_after=$(bench_cpu_seconds "$HAPROXY_PID" "$GW_PID" "$GW2_PID")
  haproxy_after=$(bench_cpu_seconds "$HAPROXY_PID")
  stack_after=$(cpu_snapshot)
  front=$BENCH_TMP/wrk-front.txt
  # row NAME WRK_OUTPUT FRONT_CPU_SECONDS HAPROXY_CPU_SECONDS
  row() {
    awk -v name="$1" -v front_cpu="$3" -v haproxy_cpu="$4" -v conns="$CONNS" '
      /^Requests\/sec/ { rps = sprintf("%.0f", $2) }
      $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
      /^TOTAL/ { total = $2 }
      /^ERRORS/ { errors += $NF }
      /^SOCKET/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); errors += kv[2] } }
      END { printf "| %s | %s | %s | %s | %s | %d | %d | %.0f | %.0f |\n", name, conns, rps, p50, p99,
            errors, total, total ? front_cpu * 1e6 / total : 0, total ? haproxy_cpu * 1e6 / total : 0 }' "$2"
  }
  echo
  echo "| target | conns | req/s | p50 | p99 | errors | requests | gateways + HAProxy CPU µs/request | of it HAProxy |"
  echo "|---|---|---|---|---|---|---|---|---|"
  row "1 gateway direct" "$out" "$cpu_direct" 0
  row "HAProxy → 2 gateways" "$front" "$(awk -v a="$front_before" -v b="$front_after" 'BEGIN { print b - a }')" \
    "$(awk -v a="$haproxy_before" -v b="$haproxy_after" 'BEGIN { print b - a }')"
  read -r _ b0 k0 p0 d0 <<<"$stack_before"
  read -r _ b1 k1 p1 d1 <<<"$stack_after"
  awk -v b="$(awk -v a="$b0" -v b="$b1" 'BEGIN{print b-a}')" -v p="$(awk -v a="$p0" -v b="$p1" 'BEGIN{print b-a}')" \
    -v s="$RUN_SECONDS" 'BEGIN { printf "CPU seconds per second of the front run: bill-inquiry %.2f, PostgreSQL %.2f\n", b/s, p/s }'
  echo "load average after the front run: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
if [[ -n ${PHONEBILL_BENCH_LOG_DIR:-} ]]; then
  mkdir -p "$PHONEBILL_BENCH_LOG_DIR"
  cp "$BENCH_TMP"/*.log "$BENCH_TMP"/wrk-*.txt "$PHONEBILL_BENCH_LOG_DIR"/
  echo "logs and raw wrk output copied to $PHONEBILL_BENCH_LOG_DIR"
fi
