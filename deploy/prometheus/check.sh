#!/usr/bin/env bash
# deploy/prometheus/check.sh — the monitoring set-up's own test (ctest `prometheus_rules`,
# so ./phonebill test runs it): `promtool check rules`, `promtool test rules` on every
# tests/*.test.yml, that every alert and recording rule has a test, and that the
# configuration and target files deploy/prometheus.sh writes for `./phonebill up
# --instances 3` pass `promtool check config` and name every instance. Exit 77 (ctest:
# skipped) when promtool (Debian `prometheus`) is not installed.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
HERE=$ROOT/deploy/prometheus
command -v promtool >/dev/null || { echo "promtool not installed: skipped"; exit 77; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

echo "== promtool check rules"
promtool check rules "$HERE"/rules/*.yml || fail "promtool check rules"

echo "== promtool test rules"
promtool test rules "$HERE"/tests/*.test.yml || fail "promtool test rules"

echo "== every rule has a test"
rules=0
while read -r kind name; do
  rules=$((rules + 1))
  if [[ $kind == alert ]]; then
    grep -qE "alertname: $name\$" "$HERE"/tests/*.test.yml || fail "alert $name has no alert_rule_test"
  else
    grep -qF -- "$name" "$HERE"/tests/*.test.yml || fail "recording rule $name has no promql_expr_test"
  fi
done < <(sed -nE 's/^ *- (alert|record): *([^ ]+) *$/\1 \2/p' "$HERE"/rules/*.yml)
echo "$rules rules, each with a test"

echo "== the configuration ./phonebill up --instances 3 writes"
work=$(mktemp -d -t phonebill-prometheus-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
(
  # shellcheck disable=SC2034 # read by the sourced scripts
  RUN_DIR=$work INSTANCES=3
  # shellcheck source=deploy/common.sh
  source "$ROOT/deploy/common.sh"
  # shellcheck source=deploy/service_environment.sh
  source "$ROOT/deploy/service_environment.sh"
  # shellcheck source=deploy/services.sh
  source "$ROOT/deploy/services.sh"
  # shellcheck source=deploy/balancer.sh
  source "$ROOT/deploy/balancer.sh"
  # shellcheck source=deploy/prometheus.sh
  source "$ROOT/deploy/prometheus.sh"
  load_service_table
  service_built() { true; } # whatever is built here, as if every service were
  prometheus_write_targets "$work/targets"
  prometheus_write_config "$work/prometheus.yml" "$work/targets" 9090
)
promtool check config "$work/prometheus.yml" || fail "promtool check config"
# Three copies of the scalable services; the gateway scraped on its admin ports.
for expected in "bill-inquiry.json:127.0.0.1:8082" "bill-inquiry.json:127.0.0.1:8282" \
  "auth.json:127.0.0.1:8181" "gateway.json:127.0.0.1:9080" "gateway.json:127.0.0.1:9280" \
  "kos-sim.json:127.0.0.1:8084"; do
  file=${expected%%:*}
  grep -qF "\"${expected#*:}\"" "$work/targets/$file" || fail "$file lacks ${expected#*:}: $(cat "$work/targets/$file")"
done
grep -qF '"127.0.0.1:8080"' "$work/targets/gateway.json" && fail "gateway scraped on its public port"
grep -qF '"127.0.0.1:8184"' "$work/targets/kos-sim.json" && fail "kos-sim does not scale"

echo "== process_alive on a reaped process (prometheus_down's wait) under set -e"
# shellcheck disable=SC2016 # expanded by the inner shell
if ! out=$(bash -c 'set -euo pipefail; ROOT=$1; source "$ROOT/deploy/common.sh"; sleep 0 & pid=$!; wait "$pid"
  process_alive "$pid" && echo alive; echo survived' _ "$ROOT" 2>&1) || [[ $out != survived ]]; then
  fail "process_alive exits the script for a reaped pid: $out"
fi

((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "prometheus rules and configuration: OK"
