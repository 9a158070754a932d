#!/usr/bin/env bash
# bench/tools/mallocs_per_request.sh — how many times a server calls malloc per request it
# answers (issue 17, "where the time goes"): a count, so unlike requests/s it does not
# depend on what else the machine runs. Counts the allocator's calls in process PID with
# perf uprobes while wrk (1 thread, 10 connections, SECONDS) sends GET URL, and divides by the
# requests wrk completed. Needs root (the uprobe); the probes are removed again. With
# glibc, calloc, realloc and operator new go through malloc and are counted with it; with
# tcmalloc (the Release default) operator new is probed too (bench/tools/malloc_probes.sh).
# Usage: bench/tools/mallocs_per_request.sh PID URL [SECONDS, default 3] [wrk options...]
#   MALLOC_CALLERS=FILE  also write the callers of malloc (perf report --stdio, by caller
#                        chain) to FILE, from a second, 1-second run, one call in 7 sampled
set -euo pipefail
PID=$1 URL=$2 SECONDS_TO_RUN=${3:-3}
shift $(($# >= 3 ? 3 : 2))
source "$(dirname "${BASH_SOURCE[0]}")/malloc_probes.sh"
malloc_probes_add "$PID" || exit 1
trap malloc_probes_remove EXIT
mapfile -t events < <(malloc_probes_stat_args)
# A phonebill server quiet for a second gives its caches back (docs/decisions.md, "Memory
# back after a burst"), and adding the probes takes about that long: one second of the
# same load first, so the count is of a server in steady state, not of its caches' refill.
wrk -t1 -c10 -d1s "$@" "$URL" >/dev/null
out=$(mktemp)
perf stat -x, -o "$out.perf" "${events[@]}" -p "$PID" -- \
  wrk -t1 -c10 -d"${SECONDS_TO_RUN}s" "$@" "$URL" >"$out"
# One line per event (malloc, and operator new where it does not call malloc): their sum.
mallocs=$(awk -F, -v g="$MALLOC_PROBE_GROUP:" 'index($0, g) { n += $1 } END { print n + 0 }' "$out.perf")
requests=$(awk '/requests in/ { print $1 }' "$out")
rm -f "$out" "$out.perf"
if [[ -n ${MALLOC_CALLERS:-} ]]; then
  perf record -q "${events[@]}" -c 7 --call-graph dwarf,8192 -p "$PID" -o "$out.data" -- \
    wrk -t1 -c10 -d1s "$@" "$URL" >/dev/null 2>&1
  perf report -i "$out.data" --stdio --no-children -G 2>/dev/null >"$MALLOC_CALLERS"
  rm -f "$out.data"
fi
awk -v m="$mallocs" -v r="$requests" 'BEGIN { printf "%.1f mallocs per request (%d mallocs, %d requests)\n", m / r, m, r }'
