#!/usr/bin/env bash
# deploy/common.sh's process_alive and stop_process under the scripts' own `set -euo pipefail`: a process
# that is gone must read as dead, never end the calling script (it once did: `$(<file)` on
# a missing /proc entry is fatal to a shell with errexit, so `./phonebill down` stopped
# half-way, leaving PostgreSQL and Redis running, whenever an instance exited quickly).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=../../deploy/common.sh
source "$ROOT/deploy/common.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

process_alive $$ || fail "this shell reads as dead"
sleep 30 &
child=$!
process_alive "$child" || fail "a running child reads as dead"
kill -KILL "$child"
sleep 0.2
process_alive "$child" && fail "a killed, unreaped child (a zombie) reads as alive"
wait "$child" 2>/dev/null || true
process_alive "$child" && fail "a reaped child reads as alive"
process_alive 4194304 && fail "a pid above pid_max reads as alive"

# stop_process: a process that ignores SIGTERM is killed after the grace, one that does
# not is gone at once; neither ends this errexit shell.
bash -c 'trap "" TERM; exec sleep 30' &
stubborn=$!
sleep 0.2
started=$SECONDS
stop_process "$stubborn" 1 stubborn 2>/dev/null
wait "$stubborn" 2>/dev/null || true
process_alive "$stubborn" && fail "stop_process left a TERM-ignoring process alive"
((SECONDS - started <= 3)) || fail "stop_process waited past its grace"
sleep 30 &
polite=$!
stop_process "$polite" 5 polite
wait "$polite" 2>/dev/null || true
process_alive "$polite" && fail "stop_process left a process alive"
echo "PASS: process_alive, stop_process"
