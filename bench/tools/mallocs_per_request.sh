#!/usr/bin/env bash
# bench/tools/mallocs_per_request.sh — how many times a server calls malloc per request it
# answers (issue 17, "where the time goes"): a count, so unlike requests/s it does not
# depend on what else the machine runs. Counts libc's malloc in process PID with a perf
# uprobe while wrk (1 thread, 10 connections, SECONDS) sends GET URL, and divides by the
# requests wrk completed. Needs root (the uprobe); the probe is removed again if this
# script added it. Other allocators (calloc, realloc, operator new's own) go through
# malloc in glibc and are counted with it.
# Usage: bench/tools/mallocs_per_request.sh PID URL [SECONDS, default 3] [wrk options...]
#   MALLOC_CALLERS=FILE  also write the callers of malloc (perf report --stdio, by caller
#                        chain) to FILE, from a second, 1-second run, one call in 7 sampled
set -euo pipefail
PID=$1 URL=$2 SECONDS_TO_RUN=${3:-3}
shift $(($# >= 3 ? 3 : 2))
LIBC=$(awk '$6 ~ /\/libc\.so/ { print $6; exit }' "/proc/$PID/maps")
[[ -n $LIBC ]] || { echo "no libc in process $PID" >&2; exit 1; }
added=false
if ! perf probe -l 2>/dev/null | grep -q 'probe_libc:malloc\b'; then
  perf probe -q -x "$LIBC" --add malloc
  added=true
fi
trap '[[ $added == true ]] && perf probe -q -d probe_libc:malloc' EXIT
out=$(mktemp)
perf stat -x, -o "$out.perf" -e probe_libc:malloc -p "$PID" -- \
  wrk -t1 -c10 -d"${SECONDS_TO_RUN}s" "$@" "$URL" >"$out"
mallocs=$(awk -F, '/probe_libc:malloc/ { print $1 }' "$out.perf")
requests=$(awk '/requests in/ { print $1 }' "$out")
rm -f "$out" "$out.perf"
if [[ -n ${MALLOC_CALLERS:-} ]]; then
  perf record -q -e probe_libc:malloc -c 7 --call-graph dwarf,8192 -p "$PID" -o "$out.data" -- \
    wrk -t1 -c10 -d1s "$@" "$URL" >/dev/null 2>&1
  perf report -i "$out.data" --stdio --no-children -G 2>/dev/null >"$MALLOC_CALLERS"
  rm -f "$out.data"
fi
awk -v m="$mallocs" -v r="$requests" 'BEGIN { printf "%.1f mallocs per request (%d mallocs, %d requests)\n", m / r, m, r }'
