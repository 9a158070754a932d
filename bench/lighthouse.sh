#!/usr/bin/env bash
# bench/lighthouse.sh — Lighthouse scores (performance, accessibility, best practices,
# SEO) of the login, main and bill result screens, mobile preset, against the real stack
# (sanitizer build, like the browser tests) on free loopback ports with a throwaway
# PostgreSQL and Redis. Not part of ./phonebill test; results go in docs/benchmarks.md.
#   bench/lighthouse.sh [--runs 3] [--json FILE]
#   node bench/lighthouse.mjs --url http://127.0.0.1:8080   # against a running gateway
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
cd "$ROOT"
source "$ROOT/deploy/common.sh"
source "$ROOT/deploy/web.sh"
[[ -x ${PHONEBILL_CHROMIUM:-/usr/bin/chromium} ]] || die "lighthouse: ${PHONEBILL_CHROMIUM:-/usr/bin/chromium} not found"
web_install || die "lighthouse: npm ci in web/ failed"
web_build || die "lighthouse: building web/dist failed"

source "$ROOT/deploy/datastores.sh"
source "$ROOT/deploy/test.sh"
lighthouse_cleanup() {
  local rc=$?
  [[ -n $TEST_PG_DATA ]] && pg_stop "$TEST_PG_DATA" immediate >/dev/null 2>&1
  [[ -n $TEST_REDIS_PORT ]] && redis_stop "$TEST_REDIS_PORT" "$TEST_TMP/redis/redis.pid" >/dev/null 2>&1
  [[ -n $TEST_TMP && -d $TEST_TMP ]] && rm -rf "$TEST_TMP"
  exit "$rc"
}
trap lighthouse_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_test_datastores
export PHONEBILL_TEST_TMP=$TEST_TMP/lighthouse
mkdir -p "$PHONEBILL_TEST_TMP"
export PHONEBILL_BUILD_DIR=${PHONEBILL_BUILD_DIR:-$ROOT/build/asan}
node "$ROOT/bench/lighthouse.mjs" "$@" </dev/null
