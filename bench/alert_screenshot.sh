#!/usr/bin/env bash
# bench/alert_screenshot.sh — shows a KOS outage reaching an operator, end to end, on a
# running `./phonebill up` (or `up --ha`): puts kos-sim in outage through its fault API,
# sends bill inquiries until the services' KOS breakers open, waits until Prometheus
# reports `CircuitBreakerOpen` firing, takes a screenshot of Prometheus's alerts page
# (Debian's chromium, headless), prints the firing alerts, and clears the fault.
# Usage: bench/alert_screenshot.sh [OUTPUT.png]   (default docs/screenshots/prometheus-alert-kos-outage.png)
# Settings: PHONEBILL_URL (http://127.0.0.1:8080), PHONEBILL_PROMETHEUS_PORT (9090),
#           KOS_SIM_URL (http://127.0.0.1:8084), ALERT_WAIT (seconds, 180).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
OUTPUT=${1:-$ROOT/docs/screenshots/prometheus-alert-kos-outage.png}
URL=${PHONEBILL_URL:-http://127.0.0.1:8080}
PROMETHEUS=http://127.0.0.1:${PHONEBILL_PROMETHEUS_PORT:-9090}
KOS=${KOS_SIM_URL:-http://127.0.0.1:8084}
WAIT=${ALERT_WAIT:-180}

die() { echo "alert_screenshot: $*" >&2; exit 1; }
for url in "$URL" "$PROMETHEUS" "$KOS"; do
  [[ $url == http://127.0.0.1:* ]] || die "loopback only ($url)"
done
curl -fsS --max-time 2 "$PROMETHEUS/-/ready" >/dev/null || die "no Prometheus at $PROMETHEUS (./phonebill up)"
command -v chromium >/dev/null || die "chromium is not installed"

clear_fault() { curl -fsS -X DELETE "$KOS/admin/faults" >/dev/null 2>&1 || true; }
trap clear_fault EXIT

token=$(curl -fsS --max-time 5 -H 'Content-Type: application/json' \
  -d '{"userId":"user01","password":"Passw0rd!01"}' "$URL/api/v1/auth/login" | jq -r .data.accessToken)
[[ -n $token && $token != null ]] || die "login of user01 failed"

echo "kos-sim: outage on (every KOS call answered 503)"
curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"outage":true}' "$KOS/admin/faults" >/dev/null

firing() {
  curl -fsS --max-time 5 "$PROMETHEUS/api/v1/alerts" |
    jq -r '.data.alerts[] | select(.state == "firing" and .labels.alertname == "CircuitBreakerOpen") | "\(.labels.job) \(.labels.instance) \(.labels.breaker)"'
}

started=$SECONDS
until [[ -n $(firing) ]]; do
  ((SECONDS - started < WAIT)) || die "CircuitBreakerOpen did not fire within ${WAIT}s"
  # A few KOS-backed requests a second keep the breakers open (each open period ends in
  # a trial); a cached bill alone would not reach KOS.
  for _ in 1 2 3; do
    curl -s -o /dev/null --max-time 5 -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d '{}' "$URL/api/v1/bills/inquiry" || true
    curl -s -o /dev/null --max-time 5 -H "Authorization: Bearer $token" \
      "$URL/api/v1/products/available" || true
  done
  sleep 1
done
echo "CircuitBreakerOpen firing after $((SECONDS - started)) s:"
firing | sed 's/^/  /'

mkdir -p "$(dirname "$OUTPUT")"
profile=$(mktemp -d)
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" \
  --hide-scrollbars --window-size=1400,1000 --virtual-time-budget=5000 \
  --screenshot="$OUTPUT" "$PROMETHEUS/classic/alerts" >/dev/null 2>&1 ||
  die "chromium could not take the screenshot"
rm -rf "$profile"
echo "screenshot: ${OUTPUT#"$ROOT"/}"
