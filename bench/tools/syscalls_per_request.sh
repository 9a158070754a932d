#!/usr/bin/env bash
# bench/tools/syscalls_per_request.sh — the system calls a server makes per request it
# answers (issue 17): a count, independent of the machine's load. `perf trace -s` on
# process PID while wrk (1 thread, CONNECTIONS, SECONDS) sends GET URL; prints the total
# and each call's count per request (failed calls, e.g. a read that found nothing, in
# brackets). Needs root and perf.
# Usage: bench/tools/syscalls_per_request.sh PID URL [SECONDS, default 3] [CONNECTIONS, default 100] [wrk options...]
set -euo pipefail
PID=$1 URL=$2 SECONDS_TO_RUN=${3:-3} CONNECTIONS=${4:-100}
shift $(($# >= 4 ? 4 : $#))
out=$(mktemp)
perf trace -s -p "$PID" -o "$out" -- wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" "$@" "$URL" >"$out.wrk" 2>/dev/null
requests=$(awk '/requests in/ { print $1 }' "$out.wrk")
awk -v requests="$requests" '
  # perf trace -s: "   syscall  calls  errors  total ..." per thread; sum over threads.
  $1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { calls[$1] += $2; errors[$1] += $3 }
  END {
    total = 0
    for (name in calls) total += calls[name]
    printf "%.2f syscalls per request (%d calls, %d requests):", total / requests, total, requests
    for (name in calls)
      if (calls[name] / requests >= 0.01)
        printf " %s %.2f%s", name, calls[name] / requests,
          errors[name] ? sprintf(" [%.2f failed]", errors[name] / requests) : ""
    printf "\n"
  }' "$out"
rm -f "$out" "$out.wrk"
