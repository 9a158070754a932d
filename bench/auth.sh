#!/usr/bin/env bash
# bench/auth.sh — auth's login path (Argon2id on the worker pool) and what it leaves for
# other requests (issue 3): login throughput and latency for a few Argon2id parameter
# sets, then GET /api/v1/auth/me (bearer) latency alone and while logins saturate the
# hasher. Release build, throwaway PostgreSQL and Redis, the real auth binary with its
# demo users, wrk (POST bodies from a Lua script). Results: docs/benchmarks.md, "auth".
# Usage: bench/auth.sh [seconds per run, default 15]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS_PER_RUN=${1:-15}
AUTH_BIN=$ROOT/build/release/services/auth/auth
[[ -x $AUTH_BIN ]] || die "build the Release auth first: ninja -C build/release auth"
command -v wrk >/dev/null && command -v redis-server >/dev/null || die "needs wrk and redis-server"

step "Starting PostgreSQL and Redis"
bench_start_postgres
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  >"$BENCH_TMP/redis.log" 2>&1 &
BENCH_PIDS+=("$!")

# The demo users, round robin (their passwords are the published demo ones).
cat >"$BENCH_TMP/login.lua" <<'LUA'
local users = {{"user01", "Passw0rd!01"}, {"user02", "Passw0rd!02"},
               {"user03", "Passw0rd!03"}, {"admin", "Adm1nPass!00"}}
local counter = 0
request = function()
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  local body = string.format('{"userId":"%s","password":"%s"}', user[1], user[2])
  return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"}, body)
end
LUA

AUTH_PID='' AUTH_PORT=''
# start_auth NAME OPS MEMORY_KIB [THREADS]: a fresh database and auth with these Argon2id
# parameters and hasher threads (default 2).
start_auth() {
  local name=$1 ops=$2 memory=$3 threads=${4:-2}
  if [[ -n $AUTH_PID ]]; then kill "$AUTH_PID"; wait "$AUTH_PID" 2>/dev/null || true; fi
  AUTH_PORT=$(free_port)
  bench_service_env auth PORT="$AUTH_PORT" DATABASE_URL="$(bench_createdb "auth_$name")"
  env "${SERVICE_ENV[@]}" PHONEBILL_PASSWORD_OPS_LIMIT="$ops" PHONEBILL_PASSWORD_MEMORY_KIB="$memory" \
    PHONEBILL_PASSWORD_THREADS="$threads" "$AUTH_BIN" >"$BENCH_TMP/auth-$name.log" 2>&1 &
  AUTH_PID=$!
  BENCH_PIDS+=("$AUTH_PID")
  bench_wait_http "http://127.0.0.1:$AUTH_PORT/readyz"
}

# Milliseconds of one Argon2id verification on this machine, from a single login.
single_login_ms() {
  curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' \
    -d '{"userId":"user01","password":"Passw0rd!01"}' "http://127.0.0.1:$AUTH_PORT/api/v1/auth/login" |
    awk '{ printf "%.0f", $1 * 1000 }'
}

step "Logins, ${SECONDS_PER_RUN}s per parameter set (2 hasher threads, 16 connections)"
echo "| Argon2id | single login | connections | logins/s | p50 | p99 | errors | CPU s |"
echo "|---|---|---|---|---|---|---|---|"
for params in "light 2 19456" "default 3 47104" "heavy 2 65536"; do
  read -r name ops memory <<<"$params"
  start_auth "$name" "$ops" "$memory"
  single_login_ms >/dev/null  # warm-up
  single=$(single_login_ms)
  row=$(bench_wrk "$name" "$AUTH_PID" 16 "$SECONDS_PER_RUN" "http://127.0.0.1:$AUTH_PORT" \
    -s "$BENCH_TMP/login.lua")
  echo "| t=$ops, m=$((memory / 1024)) MiB ($name) | ${single} ms${row#"| $name"}"
done

step "GET /api/v1/auth/me alone, then while logins run (default parameters)"
echo "| run | connections | requests/s | p50 | p99 | errors | CPU s |"
echo "|---|---|---|---|---|---|---|"
logins_summary() {
  awk '/^Requests\/sec/ { rps = $2 } $1 == "99%" { p99 = $2 }
       END { printf "| (logins meanwhile: %.0f/s, p99 %s) | 16 | | | | | |\n", rps, p99 }' "$1"
}
# me_runs THREADS: me alone, then me while 16 connections log in, with THREADS hasher threads.
me_runs() {
  local threads=$1
  start_auth "me$threads" 3 47104 "$threads"
  local token url=http://127.0.0.1:$AUTH_PORT/api/v1/auth/me
  token=$(curl -fsS -H 'Content-Type: application/json' -d '{"userId":"user02","password":"Passw0rd!02"}' \
    "http://127.0.0.1:$AUTH_PORT/api/v1/auth/login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
  wrk -t1 -c20 -d2s -H "Authorization: Bearer $token" "$url" >/dev/null
  bench_wrk "me alone ($threads hasher threads)" "$AUTH_PID" 20 "$SECONDS_PER_RUN" "$url" \
    -H "Authorization: Bearer $token"
  wrk -t1 -c16 -d"$((SECONDS_PER_RUN + 4))s" --latency -s "$BENCH_TMP/login.lua" \
    "http://127.0.0.1:$AUTH_PORT" >"$BENCH_TMP/login-background.txt" &
  local login_wrk=$!
  sleep 2
  bench_wrk "me during logins ($threads hasher threads)" "$AUTH_PID" 20 "$SECONDS_PER_RUN" "$url" \
    -H "Authorization: Bearer $token"
  wait "$login_wrk"
  logins_summary "$BENCH_TMP/login-background.txt"
}
me_runs 2
me_runs 1
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }')"
