#!/usr/bin/env bash
# bench/kos-generate.sh — how long kos-sim takes to generate N customers (default
# 1,000,000) at start, and how big its database gets. Starts a throwaway PostgreSQL and
# the Release kos-sim with --customers N, times start → /readyz 200, prints the sizes.
# Usage: bench/kos-generate.sh [customers]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CUSTOMERS=${1:-1000000}
[[ -x $ROOT/build/release/services/kos-sim/kos-sim ]] || die "build the Release tree first"
bench_start_postgres
DATABASE_URL=$(bench_createdb phonebill_kos)
KOS_PORT=$(free_port)
step "kos-sim --customers $CUSTOMERS"
started=$(date +%s.%N)
bench_service_env kos-sim PORT="$KOS_PORT" DATABASE_URL="$DATABASE_URL" CUSTOMERS="$CUSTOMERS"
env "${SERVICE_ENV[@]}" KOS_SIM_LATENCY_MS=0 KOS_SIM_JITTER_MS=0 \
  "$ROOT/build/release/services/kos-sim/kos-sim" --customers "$CUSTOMERS" >"$BENCH_TMP/kos-sim.log" 2>&1 &
BENCH_PIDS+=("$!")
bench_wait_http "http://127.0.0.1:$KOS_PORT/readyz" 3600
ready=$(date +%s.%N)
psql_query() { "$PG_BIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d phonebill_kos -Atc "$1"; }
echo "| customers | lines | bills | start → ready | generation (kos_generate) | database size |"
echo "|---|---|---|---|---|---|"
printf '| %s | %s | %s | %.0f s | %.0f s | %s |\n' "$CUSTOMERS" \
  "$(psql_query 'SELECT line_count FROM generation_meta')" \
  "$(psql_query 'SELECT bill_count FROM generation_meta')" \
  "$(awk -v a="$started" -v b="$ready" 'BEGIN { print b - a }')" \
  "$(psql_query 'SELECT duration_ms / 1000.0 FROM generation_meta')" \
  "$(psql_query "SELECT pg_size_pretty(pg_database_size('phonebill_kos'))")"
# One lookup at this size, through kos-sim.
curl -s -o /dev/null -w 'bill inquiry at this size: %{time_total}s\n' -X POST \
  "http://127.0.0.1:$KOS_PORT/api/v1/kos/bill/inquiry" -H 'Content-Type: application/json' \
  -d "{\"lineNumber\":\"01012345678\",\"billingMonth\":\"$(TZ=Asia/Seoul date +%Y%m)\",\"requestId\":\"gen-check\"}"
