#!/usr/bin/env bash
# tests/scale/kill_one.sh — SPEC §11 failure drill on a running `./phonebill up
# --instances 2` (loopback only, bounded): while GET traffic runs through the public port
# (HAProxy on 8080), kill -9 one instance of each service in turn (gateway, bill-inquiry,
# product-change, auth), count the failed GETs of each round, restart the killed
# instance with `./phonebill up --skip-install --skip-build` and check that it rejoins
# (ready on its /readyz; a gateway UP again in HAProxy). Exit 0 when no round lost a GET
# and every instance rejoined.
#
# Usage: tests/scale/kill_one.sh [SERVICE...]      (default: gateway bill-inquiry
#        product-change auth; each round about 10 s, the whole drill under 2 minutes)
# Settings: KILL_RATE (requests/s per client, 12), KILL_SECONDS (traffic per round, 8),
#           PHONEBILL_URL (http://127.0.0.1:8080).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
URL=${PHONEBILL_URL:-http://127.0.0.1:8080}
RATE=${KILL_RATE:-12}
SECONDS_PER_ROUND=${KILL_SECONDS:-8}
RUN=$ROOT/.run
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SERVICES=("$@")
((${#SERVICES[@]})) || SERVICES=(gateway bill-inquiry product-change auth)

say() { printf '[kill_one] %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

command -v haproxy >/dev/null || { say "SKIP: haproxy is not installed"; exit 77; }
[[ $URL == http://127.0.0.1:* || $URL == http://localhost:* ]] || fail "loopback only ($URL)"
[[ -f $RUN/pids/haproxy.pid ]] || fail "no balancer: run ./phonebill up --instances 2 first"

# A token per demo user: each client stays under the per-user rate limit (20/s).
login() {
  curl -fsS --max-time 5 -H 'Content-Type: application/json' \
    -d "{\"userId\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["accessToken"])'
}
user_token=$(login user01 'Passw0rd!01') || fail "login of user01 through $URL failed"
admin_token=$(login admin 'Adm1nPass!00') || fail "login of admin through $URL failed"
TOKENS=("$user_token" "$admin_token")

# One curl per client, one connection kept alive, RATE requests/s for the round: GETs
# that reach bill-inquiry, product-change and auth through the gateway.
traffic() {
  local token=$1 out=$2 count=$((RATE * SECONDS_PER_ROUND)) i config=$WORK/urls.$RANDOM
  for ((i = 0; i < count; i++)); do
    case $((i % 3)) in
      0) echo "url = \"$URL/api/v1/bills/menu\"" ;;
      1) echo "url = \"$URL/api/v1/products/menu\"" ;;
      2) echo "url = \"$URL/api/v1/auth/me\"" ;;
    esac
    echo 'output = "/dev/null"'
  done >"$config"
  curl -s --rate "$RATE/s" --max-time $((SECONDS_PER_ROUND * 3)) -K "$config" \
    -H "Authorization: Bearer $token" -w '%{http_code} %{url_effective}\n' >"$out" || true
}

# The pid of an instance from ./phonebill's pid files.
pid_of() { cat "$RUN/pids/$1.pid" 2>/dev/null; }

# "UP"/"DOWN"/... of one gateway in HAProxy, through its admin socket.
haproxy_server_state() {
  python3 - "$RUN/haproxy/admin.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"show stat\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
for line in data.decode().splitlines():
    fields = line.split(",")
    if len(fields) > 17 and fields[0] == "gateways" and fields[1] == sys.argv[2]:
        print(fields[17])
PY
}

status=0
printf '%-16s %-16s %8s %8s %8s %8s %s\n' round killed requests ok limited failed rejoined
for service in "${SERVICES[@]}"; do
  victim=$service-2
  pid=$(pid_of "$victim") || fail "$victim has no pid file (is --instances 2 up?)"
  kill -0 "$pid" 2>/dev/null || fail "$victim (pid $pid) does not run"
  outputs=()
  for ((c = 0; c < ${#TOKENS[@]}; c++)); do
    outputs+=("$WORK/$service.$c")
    traffic "${TOKENS[$c]}" "$WORK/$service.$c" &
  done
  sleep $((SECONDS_PER_ROUND / 3))
  kill -9 "$pid"
  wait
  requests=$(cat "${outputs[@]}" | wc -l)
  ok=$(cat "${outputs[@]}" | grep -c '^2' || true)
  limited=$(cat "${outputs[@]}" | grep -c '^429' || true)
  failed=$((requests - ok - limited))
  if ((failed > 0)); then
    status=1
    cat "${outputs[@]}" | grep -v '^2\|^429' | sort | uniq -c | head -n 5 | sed 's/^/    /'
  fi
  # Restart what is missing, then the killed instance must be ready again (a gateway:
  # back in HAProxy's rotation after its health checks pass).
  "$ROOT/phonebill" up --skip-install --skip-build >"$WORK/up.log" 2>&1 ||
    { tail -n 20 "$WORK/up.log"; fail "./phonebill up could not restart $victim"; }
  rejoined=no
  for _ in $(seq 1 20); do
    if [[ $service == gateway ]]; then
      [[ $(haproxy_server_state "$victim") == UP ]] && { rejoined=yes; break; }
    elif "$ROOT/phonebill" status --json 2>/dev/null |
      python3 -c 'import json,sys; sys.exit(0 if any(p["instance"]==sys.argv[1] and p["state"]=="ready" for p in json.load(sys.stdin)) else 1)' "$victim"; then
      rejoined=yes
      break
    fi
    sleep 0.5
  done
  [[ $rejoined == yes ]] || status=1
  printf '%-16s %-16s %8d %8d %8d %8d %s\n' "$service" "$victim" "$requests" "$ok" "$limited" "$failed" "$rejoined"
done
if ((status == 0)); then say "PASS: no GET failed, every killed instance rejoined"; else say "FAIL"; fi
exit "$status"
