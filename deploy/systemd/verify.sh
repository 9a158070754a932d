#!/usr/bin/env bash
# deploy/systemd/verify.sh — `systemd-analyze verify` of the units, instantiated for every
# service of deploy/services.conf, against a scratch copy of the layout they expect
# (/opt/phonebill/bin/<service>) in a temporary root. Exit 77 when systemd-analyze is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not installed: unit check skipped"; exit 77; }
mapfile -t services < <(sed -n 's/^\[\([a-z0-9-]*\)\]$/\1/p' "$ROOT/deploy/services.conf" | grep -vx common)
work=$(mktemp -d -t phonebill-units.XXXXXX)
trap 'rm -rf "$work"' EXIT
units=()
cp -r "$ROOT/deploy/systemd/phonebill@.service" "$ROOT/deploy/systemd/phonebill@auth.service.d" "$ROOT/deploy/systemd/phonebill.target" "$work/"
for service in "${services[@]}"; do
  units+=("$work/phonebill@$service.service")
  ln -s "phonebill@.service" "$work/phonebill@$service.service"
done
# verify checks that ExecStart's binary exists: --root gives it the installed layout.
mkdir -p "$work/root/opt/phonebill/bin" "$work/root/etc/systemd/system"
for service in "${services[@]}"; do
  install -m 755 /bin/true "$work/root/opt/phonebill/bin/$service"
done
cp -rP "$work"/phonebill* "$work/root/etc/systemd/system/"
# The system units the ours depend on (sysinit.target, network-online.target, ...).
mkdir -p "$work/root/usr/lib/systemd"
cp -r /usr/lib/systemd/system "$work/root/usr/lib/systemd/"
output=$(cd "$work" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$work/root" \
  "${units[@]/#$work/\/etc/systemd/system}" "/etc/systemd/system/phonebill.target" 2>&1) || {
  echo "$output"
  exit 1
}
# verify exits 0 on some warnings: any line mentioning our units is a finding.
if grep -i 'phonebill' <<<"$output"; then exit 1; fi
echo "systemd-analyze verify: ${#units[@]} instances of phonebill@.service and phonebill.target clean"
