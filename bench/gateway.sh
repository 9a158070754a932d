#!/usr/bin/env bash
# bench/gateway.sh — the gateway against HAProxy 2.6 doing the same job (jwt_verify ES256,
# issuer/audience/expiry/permission checks, path routing, keep-alive to the upstream) and
# nginx as a plain reverse proxy (no token check), one worker / one thread each, in one
# run. All three proxy GET /api/v1/bills/menu to the same fixed-response upstream (nginx
# `return 200`, its own worker) with the same ES256 token; wrk (one thread) drives 100
# and 1,000 connections. Goal: gateway requests/s ≥ HAProxy's and p99 ≤ HAProxy's.
#
# --front: instead, the cost of the front tier (issue 14): one gateway direct against
# HAProxy 2.6 with the deployment's own configuration (deploy/haproxy/haproxy.cfg.in, PROXY
# protocol v2) in front of two gateways, in one run, on GET /healthz and on the token
# route, at 32 and 1,000 connections: req/s, p50/p99 and CPU µs per request of the
# gateway(s), and of HAProxy and the gateways together.
#
# --memory: instead, memory per idle keep-alive connection (issue 17): the gateway,
# bill-inquiry (its own server, /healthz) and nginx each get 1,000 and then
# 10,000 connections that sent one request and stay open; VmRSS before and with them, and
# bytes per connection. RSS is read 3 s after the last connection had its answer, for
# every server alike: idle connections, not the burst that opened them (a phonebill
# server gives a burst's memory back once no request has run for 1 s, seen by its
# once-a-second sweep: docs/decisions.md, "Memory back after a burst"). 1,000 twice: the
# first 1,000 (with what the first burst leaves that is not given back) and 1,000 more
# while those stay open (PHONEBILL_BENCH_MEMORY_DETAIL=1 adds
# smaps and tcmalloc counts, bench/tools/heap_detail.sh). (Memory freed after the 1,000
# rounds may be reused by the 10,000 round: the 10,000 figure is the steadier one. HAProxy
# is left out: it reserves two descriptors per connection of maxconn, more than this
# machine's hard limit of 20,000 allows at 10,000.)
#
# --tracing: instead, the cost of tracing (issue 18): three gateways side by side, tracing
# off, at 1 % and at 100 % (parent-based ratio; spans to a stand-in collector that throws
# them away, bench_collector), measured in one run on the token route at 100 connections,
# in the order off, 1 %, 100 %, 100 %, 1 %, off (drift cancels): req/s, p50/p99, CPU
# µs per request, and the spans each exported or dropped.
#
# --compare OTHER_BUILD_DIR: instead, this build's gateway against OTHER's (e.g. main before
# a change), side by side on the token route, at 100 and 1,000 connections, in the order
# this, other, other, this, this, other, other, this (drift cancels): req/s, p50/p99 and
# CPU µs per request of each run, and the mean µs per request of each build.
#
# The default run ends with malloc and system calls per request of the gateway and of nginx
# (bench/tools/mallocs_per_request.sh; needs root and perf, skipped otherwise);
# --mallocs: only those counts (and system calls per request, bench/tools/syscalls_per_request.sh),
# no throughput runs.
#
# --everything (first, before any other option): the gateway with every per-request feature
# production runs (issue 17 goal 2): the access log on (JSON lines gathered in a buffer
# written when full and every second, to the gateway's log file) and the rate limits shared through Redis (sync
# rounds on, limits too high to refuse); the table names the features. Without it the
# access log is off (the limits are still shared, as by default).
#
# Usage: bench/gateway.sh [--everything] [--front | --memory | --tracing | --mallocs | --compare OTHER_BUILD_DIR] [seconds per run, default 10]
#   PHONEBILL_BENCH_BUILD_DIR  build tree with the Release gateway (default build/release)
#   PHONEBILL_BENCH_HAPROXY_TEMPLATE  with --front: another HAProxy template (an older one)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FRONT=false MEMORY=false TRACING=false MALLOCS_ONLY=false COMPARE_BUILD_DIR=
EVERYTHING_ENV=()
GATEWAY_FEATURES="token cache, permission, rate limits shared via Redis, metrics; access log off"
if [[ ${1:-} == --everything ]]; then
  EVERYTHING_ENV=(PHONEBILL_ACCESS_LOG=true PHONEBILL_LOG_LEVEL=info PHONEBILL_GATEWAY_RATE_SHARED=true)
  GATEWAY_FEATURES="token cache, permission, rate limits shared via Redis, metrics, access log"
  shift
fi
if [[ ${1:-} == --front ]]; then
  FRONT=true
  shift
elif [[ ${1:-} == --memory ]]; then
  MEMORY=true
  shift
  # 10,000 client sockets (in one process) and as many in each server, plus their own:
  # the hard limit, inherited by every process started below.
  ulimit -n "$(ulimit -Hn)"
  (($(ulimit -n) >= 12000)) || die "--memory needs a descriptor limit of at least 12000 (ulimit -Hn: $(ulimit -Hn))"
elif [[ ${1:-} == --tracing ]]; then
  TRACING=true
  shift
elif [[ ${1:-} == --mallocs ]]; then
  MALLOCS_ONLY=true
  shift
elif [[ ${1:-} == --compare ]]; then
  COMPARE_BUILD_DIR=${2:?--compare needs the other build tree}
  [[ -x $COMPARE_BUILD_DIR/services/gateway/gateway ]] || die "no gateway in $COMPARE_BUILD_DIR"
  shift 2
fi
TRACING_ENV=()
# Connections one proxy worker may hold (the throughput runs need 1,000; --memory 10,000).
WORKER_CONNECTIONS=$([[ $MEMORY == true ]] && echo 15000 || echo 8192)
SECONDS_PER_RUN=${1:-10}
BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/release}
GATEWAY_BIN=$BUILD_DIR/services/gateway/gateway
[[ -x $GATEWAY_BIN ]] || die "build the Release gateway first (./phonebill up builds it): no $GATEWAY_BIN"
for tool in wrk nginx haproxy openssl xxd redis-server; do
  command -v "$tool" >/dev/null || die "needs $tool (apt-get install wrk nginx haproxy openssl xxd redis-server)"
done
URL_PATH=/api/v1/bills/menu
B=$BENCH_TMP

step "ES256 key, JWKS and one token (bench/gateway.sh signs it with openssl)"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$B/key.pem" 2>/dev/null
openssl pkey -in "$B/key.pem" -pubout -out "$B/pub.pem" 2>/dev/null
openssl pkey -pubin -in "$B/pub.pem" -outform DER 2>/dev/null | tail -c 64 >"$B/xy.bin"
X=$(head -c 32 "$B/xy.bin" | b64url)
Y=$(tail -c 32 "$B/xy.bin" | b64url)
mkdir -p "$B/www/api/v1/auth"
printf '{"keys":[{"kty":"EC","crv":"P-256","x":"%s","y":"%s","kid":"bench-key","alg":"ES256","use":"sig"}]}' \
  "$X" "$Y" >"$B/www/api/v1/auth/jwks"
NOW=$(date +%s)
HEADER=$(printf '{"alg":"ES256","typ":"JWT","kid":"bench-key"}' | b64url)
PAYLOAD=$(printf '{"iss":"phonebill-auth","aud":"phonebill","sub":"bench","jti":"bench-jti","sid":"bench-sid","iat":%d,"exp":%d,"cid":"C-bench","line":"01012345678","perms":["BILL_INQUIRY"]}' \
  "$NOW" "$((NOW + 1800))" | b64url)
printf '%s.%s' "$HEADER" "$PAYLOAD" | openssl dgst -sha256 -sign "$B/key.pem" -out "$B/sig.der"
# JWS wants the raw r||s (64 bytes), openssl gives DER: take both INTEGERs, left-pad to 32 bytes.
mapfile -t RS < <(openssl asn1parse -inform DER -in "$B/sig.der" | awk -F: '/INTEGER/ { print $NF }')
SIGNATURE=$(printf '%64s%64s' "${RS[0]}" "${RS[1]}" | tr ' ' 0 | xxd -r -p | b64url)
TOKEN=$HEADER.$PAYLOAD.$SIGNATURE

step "Fixed-response upstream (nginx, 1 worker): 200 JSON, /readyz, the JWKS"
UP_PORT=$(free_port)
mkdir -p "$B/upstream"
cat >"$B/upstream/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $B/upstream/nginx.pid;
error_log $B/upstream/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$UP_PORT backlog=8192;
    location = /api/v1/auth/jwks { root $B/www; default_type application/json; }
    location = /readyz { default_type application/json; return 200 '{"status":"UP"}'; }
    location / { default_type application/json; return 200 '{"success":true,"data":{"customer":{"lineNumber":"01012345678"},"availableMonths":["2026-11","2026-10"]}}'; }
  }
}
CONF
nginx -c "$B/upstream/nginx.conf" &
BENCH_PIDS+=("$!")
bench_wait_http "http://127.0.0.1:$UP_PORT/readyz" 10

step "Redis (the gateway's revocation list) and the gateway (1 I/O thread, no access log)"
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  >"$B/redis.log" 2>&1 &
BENCH_PIDS+=("$!")
# start_gateway NAME: one gateway on free ports (with --front trusting 127.0.0.1's PROXY
# header); sets GW_PID, GW_PORT, GW_ADMIN.
start_gateway() {
  GW_PORT=$(free_port)
  GW_ADMIN=$(free_port)
  bench_service_env gateway PORT="$GW_PORT" ADMIN_PORT="$GW_ADMIN" WEB_DIR="$B/web" \
    AUTH_URL="http://127.0.0.1:$UP_PORT" BILL_INQUIRY_URL="http://127.0.0.1:$UP_PORT" \
    PRODUCT_CHANGE_URL="http://127.0.0.1:$UP_PORT" TRUSTED_PROXIES="$([[ $FRONT == true ]] && echo 127.0.0.1/32)"
  env "${SERVICE_ENV[@]}" PHONEBILL_IO_THREADS=1 PHONEBILL_GATEWAY_RATE_IP_PER_SECOND=1000000000 PHONEBILL_GATEWAY_RATE_IP_BURST=1000000000 \
    PHONEBILL_GATEWAY_RATE_USER_PER_SECOND=1000000000 PHONEBILL_GATEWAY_RATE_USER_BURST=1000000000 \
    PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS=0 "${TRACING_ENV[@]}" "${EVERYTHING_ENV[@]}" "$GATEWAY_BIN" >"$B/$1.log" 2>&1 &
  GW_PID=$!
  BENCH_PIDS+=("$GW_PID")
  bench_wait_http "http://127.0.0.1:$GW_PORT/readyz" 20
}
start_gateway gateway
AUTH="Authorization: Bearer $TOKEN"

if [[ -n $COMPARE_BUILD_DIR ]]; then
  declare -A AB_PID AB_PORT AB_LABEL=([this]="this build" [other]="other build") AB_COST
  AB_PID[this]=$GW_PID AB_PORT[this]=$GW_PORT
  GATEWAY_BIN=$COMPARE_BUILD_DIR/services/gateway/gateway
  start_gateway gateway-other
  AB_PID[other]=$GW_PID AB_PORT[other]=$GW_PORT
  echo "this build: $BUILD_DIR; other build: $COMPARE_BUILD_DIR; phonebill gateway: $GATEWAY_FEATURES"
  echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  step "wrk (1 thread), ${SECONDS_PER_RUN}s per run, GET $URL_PATH, alternating"
  for build in this other; do
    wrk -t1 -c100 -d2s -H "$AUTH" "http://127.0.0.1:${AB_PORT[$build]}$URL_PATH" >/dev/null
  done
  echo "| gateway | connections | requests/s | p50 | p99 | errors | CPU s | CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|"
  for connections in 100 1000; do
    for build in this other other this this other other this; do
      row=$(bench_wrk_cost "${AB_LABEL[$build]}" "${AB_PID[$build]}" "$connections" "$SECONDS_PER_RUN" \
        "http://127.0.0.1:${AB_PORT[$build]}$URL_PATH" -H "$AUTH")
      echo "$row"
      AB_COST[$build,$connections]+=" $(awk -F'|' '{ print $9 }' <<<"$row")"
    done
  done
  echo
  for connections in 100 1000; do
    for build in this other; do
      echo "${AB_LABEL[$build]}, $connections connections: mean CPU µs/request $(awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.1f", s / NF }' <<<"${AB_COST[$build,$connections]}") (runs:${AB_COST[$build,$connections]})"
    done
  done
  exit 0
fi

if [[ $TRACING == true ]]; then
  bench_collector
  declare -A TRACED_PID TRACED_PORT TRACED_ADMIN
  TRACED_PID[off]=$GW_PID TRACED_PORT[off]=$GW_PORT TRACED_ADMIN[off]=$GW_ADMIN
  for ratio in 0.01 1; do
    bench_tracing_env "$ratio"
    start_gateway "gateway-trace-$ratio"
    TRACED_PID[$ratio]=$GW_PID TRACED_PORT[$ratio]=$GW_PORT TRACED_ADMIN[$ratio]=$GW_ADMIN
  done
  declare -A LABEL=([off]="tracing off" [0.01]="tracing 1 %" [1]="tracing 100 %")
  echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  step "wrk (1 thread), ${SECONDS_PER_RUN}s per run, 100 connections, GET $URL_PATH"
  for ratio in off 0.01 1; do
    wrk -t1 -c100 -d2s -H "$AUTH" "http://127.0.0.1:${TRACED_PORT[$ratio]}$URL_PATH" >/dev/null
  done
  echo "| gateway | connections | requests/s | p50 | p99 | errors | CPU s | CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|"
  for ratio in off 0.01 1 1 0.01 off; do
    bench_wrk_cost "${LABEL[$ratio]}" "${TRACED_PID[$ratio]}" 100 "$SECONDS_PER_RUN" \
      "http://127.0.0.1:${TRACED_PORT[$ratio]}$URL_PATH" -H "$AUTH"
  done
  echo
  sleep 2  # the last export round
  for ratio in 0.01 1; do
    echo "spans, ${LABEL[$ratio]}: $(bench_span_counts "http://127.0.0.1:${TRACED_ADMIN[$ratio]}/metrics")"
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

if [[ $FRONT == true ]]; then
  FIRST_PID=$GW_PID FIRST_PORT=$GW_PORT
  start_gateway gateway-2
  step "HAProxy 2.6 with ${PHONEBILL_BENCH_HAPROXY_TEMPLATE:-deploy/haproxy/haproxy.cfg.in} in front of both gateways"
  FRONT_PORT=$(free_port)
  bench_haproxy_front "$FRONT_PORT" "$FIRST_PORT" "$GW_PORT"
  PIDS_FRONT="$HAPROXY_PID $FIRST_PID $GW_PID"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "http://127.0.0.1:$FRONT_PORT$URL_PATH")
  [[ $code == 200 ]] || die "HAProxy answered $code to the benchmark request"
  echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  step "wrk (1 thread), ${SECONDS_PER_RUN}s per run: 1 gateway direct, then HAProxy → 2 gateways"
  echo "| path | target | connections | requests/s | p50 | p99 | errors | CPU s | CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for path in /healthz "$URL_PATH"; do
    for connections in 32 1000; do
      for port in "$FIRST_PORT" "$FRONT_PORT"; do
        wrk -t1 -c"$connections" -d2s -H "$AUTH" "http://127.0.0.1:$port$path" >/dev/null
      done
      printf '| %s ' "$path"
      bench_wrk_cost "1 gateway direct" "$FIRST_PID" "$connections" "$SECONDS_PER_RUN" \
        "http://127.0.0.1:$FIRST_PORT$path" -H "$AUTH"
      printf '| %s ' "$path"
      bench_wrk_cost "HAProxy → 2 gateways" "$PIDS_FRONT" "$connections" "$SECONDS_PER_RUN" \
        "http://127.0.0.1:$FRONT_PORT$path" -H "$AUTH"
    done
  done
  echo
  # How often HAProxy opened a gateway connection instead of reusing one (show stat:
  # connect and reuse of the backend).
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"show stat\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
lines = data.decode().splitlines()
names = lines[0].lstrip("# ").split(",")
for line in lines[1:]:
    row = dict(zip(names, line.split(",")))
    if row.get("pxname") == "gateways" and row.get("svname") == "BACKEND":
        opened, reused, requests = row["connect"], row["reuse"], row["req_tot"]
        print(f"HAProxy to the gateways: {opened} connections opened, {reused} reused, {requests} requests")
' "$BENCH_TMP/haproxy/admin.sock"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

step "HAProxy 2.6 (nbthread 1): jwt_verify ES256 + iss/aud/exp/permission + path routing"
HA_PORT=$(free_port)
cat >"$B/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 5000
  pidfile $B/haproxy.pid
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 300s
  option http-keep-alive
frontend public
  bind 127.0.0.1:$HA_PORT
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('\$.alg')
  http-request deny deny_status 401 unless { var(txn.alg) -m str ES256 }
  http-request deny deny_status 401 unless { var(txn.bearer),jwt_verify(txn.alg,"$B/pub.pem") -m int 1 }
  http-request deny deny_status 401 unless { var(txn.bearer),jwt_payload_query('\$.iss') -m str phonebill-auth }
  http-request deny deny_status 401 unless { var(txn.bearer),jwt_payload_query('\$.aud') -m str phonebill }
  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('\$.exp','int')
  http-request set-var(txn.now) date()
  http-request deny deny_status 401 if { var(txn.exp),sub(txn.now) -m int lt 0 }
  # HAProxy 2.6's JSON path reads no arrays: the permission is a substring of the decoded payload.
  http-request deny deny_status 403 if { path_beg /api/v1/bills/ } !{ var(txn.bearer),field(2,.),ub64dec -m sub BILL_INQUIRY }
  http-request deny deny_status 404 unless { path_beg /api/v1/bills/ }
  use_backend bills if { path_beg /api/v1/bills/ }
backend bills
  http-reuse always
  server upstream 127.0.0.1:$UP_PORT maxconn 5000
CONF
haproxy -f "$B/haproxy.cfg" -db >"$B/haproxy.log" 2>&1 &
HA_PID=$!
BENCH_PIDS+=("$HA_PID")
# Up to 10 s for HAProxy to listen (a loaded machine starts it slowly).
for ((i = 0; i < 100; i++)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HA_PORT$URL_PATH" || true)
  [[ $code == 000 ]] || break
  sleep 0.1
done
[[ $code == 200 ]] || die "HAProxy does not accept the token (answered $code; log: $(cat "$B/haproxy.log"))"
# A forgery: the signature's first character changed (the last one may only carry padding bits).
FIRST=${SIGNATURE:0:1}
FORGED=$HEADER.$PAYLOAD.$([[ $FIRST == A ]] && echo B || echo A)${SIGNATURE:1}
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FORGED" "http://127.0.0.1:$HA_PORT$URL_PATH") == 401 ]] ||
  die "HAProxy accepts a forged token: the comparison would be unfair"

step "nginx as a plain reverse proxy (1 worker, keep-alive upstream, no token check)"
NX_PORT=$(free_port)
mkdir -p "$B/proxy"
cat >"$B/proxy/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $B/proxy/nginx.pid;
error_log $B/proxy/error.log warn;
events { worker_connections $WORKER_CONNECTIONS; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  upstream bills { server 127.0.0.1:$UP_PORT; keepalive 1024; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NX_PORT backlog=8192;
    location /api/v1/bills/ {
      proxy_pass http://bills;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location / { return 404; }
  }
}
CONF
nginx -c "$B/proxy/nginx.conf" &
NX_PID=$!
BENCH_PIDS+=("$NX_PID")
bench_wait_http "http://127.0.0.1:$NX_PORT$URL_PATH" 10
NX_WORKER=$(pgrep -P "$NX_PID" | head -n 1)

for port in "$GW_PORT" "$HA_PORT"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$URL_PATH")
  [[ $code == 200 ]] || die "port $port answered $code to the benchmark request"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FORGED" "http://127.0.0.1:$port$URL_PATH")
  [[ $code == 401 ]] || die "port $port answered $code to a forged token"
done

if [[ $MEMORY == true ]]; then
  step "bill-inquiry (its own PostgreSQL and the bench Redis; JWKS from the fixed upstream)"
  bench_start_postgres
  BILL_PORT=$(free_port)
  bench_service_env bill-inquiry PORT="$BILL_PORT" DATABASE_URL="$(bench_createdb phonebill_bill)" \
    KOS_SIM_URL="http://127.0.0.1:$UP_PORT" AUTH_URL="http://127.0.0.1:$UP_PORT"
  env "${SERVICE_ENV[@]}" PHONEBILL_IO_THREADS=1 PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS=0 \
    "$BUILD_DIR/services/bill-inquiry/bill-inquiry" >"$B/bill-inquiry.log" 2>&1 &
  BILL_PID=$!
  BENCH_PIDS+=("$BILL_PID")
  bench_wait_http "http://127.0.0.1:$BILL_PORT/healthz" 60
  rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
  # With PHONEBILL_BENCH_MEMORY_DETAIL set: where the process's memory is (resident
  # anonymous and file KiB; for tcmalloc, the bytes the program holds and tcmalloc's
  # free lists), printed after the table.
  detail() {
    [[ -n ${PHONEBILL_BENCH_MEMORY_DETAIL:-} ]] || return 0
    echo "$1: $("$ROOT/bench/tools/heap_detail.sh" "$2")" >>"$B/heap_detail.txt"
  }
  # Starts a holder of COUNT idle connections (writing to OUT), waits until they all had
  # their answer and then IDLE_WAIT seconds; the holder's pid in $holder.
  hold_idle() { # NAME PORT PATH COUNT OUT
    : >"$5" # emptied before the holder starts: the previous round's "ready" must not count
    python3 "$ROOT/bench/tools/idle_connections.py" "$2" "$3" "$4" 120 "$AUTH" >"$5" 2>&1 &
    holder=$!
    for ((i = 0; i < 600; i++)); do
      grep -q '^ready\|^failed' "$5" 2>/dev/null && break
      kill -0 "$holder" 2>/dev/null || break
      sleep 0.1
    done
    grep -q '^ready' "$5" ||
      die "$1: $(kill -0 "$holder" 2>/dev/null && echo "not ready in 60 s" || echo "holder exited"): $(cat "$5")"
    sleep "$IDLE_WAIT"
  }
  # The connections are idle, not just answered: a phonebill server releases what the
  # burst of their requests took 1-2 s after the last one (1 s quiet, sweep each second);
  # every server, nginx included, gets the same wait.
  IDLE_WAIT=3
  row() { # NAME CONNECTIONS-LABEL COUNT BEFORE-KIB WITH-KIB
    printf '| %s | %s | %.1f | %.1f | %d |\n' "$1" "$2" "$(bc -l <<<"$4 / 1024")" \
      "$(bc -l <<<"$5 / 1024")" $((($5 - $4) * 1024 / $3))
  }
  SERVERS=("phonebill gateway|$GW_PID|$GW_PORT|$URL_PATH"
    "bill-inquiry (/healthz)|$BILL_PID|$BILL_PORT|/healthz"
    "nginx (plain proxy)|$NX_WORKER|$NX_PORT|$URL_PATH")
  step "Idle keep-alive connections (one request each, then idle): VmRSS"
  echo "| server | connections | RSS before (MiB) | RSS with them (MiB) | bytes per connection |"
  echo "|---|---|---|---|---|"
  # 1,000 connections twice per server: the first 1,000 to a server that has served only a
  # few requests (what earlier sessions reported: it includes the one-time growth the
  # first burst of 500 concurrent requests causes, caches and pools sized by the peak), then
  # 1,000 more while those stay open: the cost of 1,000 idle connections themselves, with
  # nothing freed in between for them to reuse. Every server gets the same rounds
  # (docs/decisions.md, issue 17 item 4).
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r name pid port path <<<"$entry"
    before=$(rss_kib "$pid")
    detail "$name first 1000 before" "$pid"
    hold_idle "$name" "$port" "$path" 1000 "$B/idle.out"
    first_holder=$holder
    with=$(rss_kib "$pid")
    detail "$name first 1000 with" "$pid"
    row "$name" "1000 (first)" 1000 "$before" "$with"
    hold_idle "$name" "$port" "$path" 1000 "$B/idle2.out"
    with_more=$(rss_kib "$pid")
    detail "$name 1000 more with" "$pid"
    row "$name" "1000 more (1000 open)" 1000 "$with" "$with_more"
    kill "$first_holder" "$holder"
    wait "$first_holder" "$holder" 2>/dev/null || true
    sleep 2 # the server closes its side
  done
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r name pid port path <<<"$entry"
    before=$(rss_kib "$pid")
    detail "$name 10000 before" "$pid"
    hold_idle "$name" "$port" "$path" 10000 "$B/idle.out"
    with=$(rss_kib "$pid")
    detail "$name 10000 with" "$pid"
    kill "$holder"
    wait "$holder" 2>/dev/null || true
    row "$name" 10000 10000 "$before" "$with"
    sleep 2 # the server closes its side
  done
  [[ -n ${PHONEBILL_BENCH_MEMORY_DETAIL:-} ]] && cat "$B/heap_detail.txt"
  echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

echo "phonebill gateway: $GATEWAY_FEATURES"
if [[ $MALLOCS_ONLY == false ]]; then
  step "wrk, ${SECONDS_PER_RUN}s per run, same token, GET $URL_PATH"
  echo "| proxy | connections | requests/s | p50 | p99 | errors | CPU s |"
  echo "|---|---|---|---|---|---|---|"
  for connections in 100 1000; do
    for port in "$GW_PORT" "$HA_PORT" "$NX_PORT"; do
      wrk -t1 -c"$connections" -d2s -H "$AUTH" "http://127.0.0.1:$port$URL_PATH" >/dev/null
    done
    bench_wrk "phonebill gateway" "$GW_PID" "$connections" "$SECONDS_PER_RUN" "http://127.0.0.1:$GW_PORT$URL_PATH" -H "$AUTH"
    bench_wrk "HAProxy 2.6 (jwt_verify)" "$HA_PID" "$connections" "$SECONDS_PER_RUN" "http://127.0.0.1:$HA_PORT$URL_PATH" -H "$AUTH"
    bench_wrk "nginx (plain proxy)" "$NX_WORKER" "$connections" "$SECONDS_PER_RUN" "http://127.0.0.1:$NX_PORT$URL_PATH" -H "$AUTH"
  done
  echo
fi
if [[ $(id -u) == 0 ]] && command -v perf >/dev/null; then
  step "malloc calls per request (a count: the machine's load does not change it)"
  echo "phonebill gateway: $("$ROOT/bench/tools/mallocs_per_request.sh" "$GW_PID" "http://127.0.0.1:$GW_PORT$URL_PATH" 3 -H "$AUTH")"
  # MALLOC_CALLERS (bench/tools/mallocs_per_request.sh) profiles the gateway's callers only.
  echo "nginx (plain proxy): $(MALLOC_CALLERS='' "$ROOT/bench/tools/mallocs_per_request.sh" "$NX_WORKER" "http://127.0.0.1:$NX_PORT$URL_PATH" 3 -H "$AUTH")"
  step "system calls per request (perf trace -s, 100 connections; also a count)"
  echo "phonebill gateway: $("$ROOT/bench/tools/syscalls_per_request.sh" "$GW_PID" "http://127.0.0.1:$GW_PORT$URL_PATH" 3 100 -H "$AUTH")"
  echo "nginx (plain proxy): $("$ROOT/bench/tools/syscalls_per_request.sh" "$NX_WORKER" "http://127.0.0.1:$NX_PORT$URL_PATH" 3 100 -H "$AUTH")"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "gateway token checks: $(curl -s "http://127.0.0.1:$GW_ADMIN/metrics" | grep '^gateway_token_verifications' | tr '\n' ' ')"
# The shared limiter's rounds (Lua scripts) and the access lines the gateway wrote.
echo "Redis script calls (rate-limit sync): $(redis-cli -p "$REDIS_PORT" info commandstats | grep -E '^cmdstat_(evalsha|eval|fcall):' | cut -d, -f1 | tr '\r\n' '  ')"
sleep 1.2  # the log's last lines reach the file within a second
echo "gateway access lines: $(grep -c '"event":"access"' "$B/gateway.log" || true)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }')"
