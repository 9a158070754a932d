#!/usr/bin/env bash
# bench/outbox.sh — the outbox's long runs (issue 21), with the integration suite's real
# binaries (tests/integration/outbox) on a throwaway PostgreSQL and Redis:
#   outage      the receiver is down for OUTAGE seconds (default 60) while changes and
#               inquiries are made; afterwards nothing is lost and every line's events
#               arrive in order (OutboxDelivery.ReceiverOutageLosesNothingAndKeepsLineOrder)
#   throughput  two relays (two product-change instances) deliver 400 events due at once
#               (OutboxDelivery.TwoRelaysNeverDeliverOneEventTwice); prints events/s
#   all         both (default)
#   <filter>    any other word is a gtest filter of the suite (e.g. 'Outbox*' runs it all)
# Usage: bench/outbox.sh [outage|throughput|all|FILTER] [OUTAGE]
#   PHONEBILL_BENCH_BUILD_DIR  the test build tree (default build/asan: the suite is a test;
#                              a Release tree configured with -DPHONEBILL_TESTS=ON measures
#                              the relay without sanitizers)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

WHAT=${1:-all}
OUTAGE=${2:-60}
BUILD_DIR=${PHONEBILL_BENCH_BUILD_DIR:-$ROOT/build/asan}
BINARY=$BUILD_DIR/tests/integration/outbox/outbox_integration_tests
[[ -x $BINARY ]] || die "$BINARY not built (ninja -C $BUILD_DIR outbox_integration_tests mvno-ap-sim product-change bill-inquiry kos-sim gateway)"

step "Starting PostgreSQL and Redis"
bench_start_postgres
REDIS_PORT=$(free_port)
redis_start "$BENCH_TMP/redis" "$REDIS_PORT" "$BENCH_TMP/redis.pid" "$BENCH_TMP/redis.log" --databases 1024
BENCH_PIDS+=("$(<"$BENCH_TMP/redis.pid")")
export PHONEBILL_TEST_PG_DSN="postgresql://postgres@127.0.0.1:$BENCH_PG_PORT/postgres"
export PHONEBILL_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

run() {
  local filter=$1
  step "$filter (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  OUTBOX_OUTAGE_SECONDS=$OUTAGE "$BINARY" --gtest_filter="$filter" \
    --gtest_output="xml:$BENCH_TMP/result.xml" >"$BENCH_TMP/run.log" 2>&1 || true
  grep -E '^\[ *(OK|FAILED|PASSED) *\]|Failure' "$BENCH_TMP/run.log" || true
  cp "$BENCH_TMP/run.log" "${PHONEBILL_BENCH_LOG:-/tmp/outbox-bench-run.log}"
  # The properties the tests record (drained_ms, events_per_second).
  grep -oE '(name="(drained_ms|events_per_second)" value="[0-9]+")|((drained_ms|events_per_second)="[0-9]+")' \
    "$BENCH_TMP/result.xml" || true
  info "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

case $WHAT in
  outage) run 'OutboxDelivery.ReceiverOutageLosesNothingAndKeepsLineOrder' ;;
  throughput) run 'OutboxDelivery.TwoRelaysNeverDeliverOneEventTwice' ;;
  all)
    run 'OutboxDelivery.ReceiverOutageLosesNothingAndKeepsLineOrder'
    run 'OutboxDelivery.TwoRelaysNeverDeliverOneEventTwice'
    ;;
  *) run "$WHAT" ;;
esac
