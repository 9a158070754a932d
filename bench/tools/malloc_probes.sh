# shellcheck shell=bash
# bench/tools/malloc_probes.sh — sourced by the benches that count allocations per request:
# perf uprobes on the allocator a running process calls, each recording the size asked for
# (so a filter such as 'size >= 1024' counts the large ones). glibc's operator new calls
# malloc, so there one probe on malloc counts both; tcmalloc's operator new (tc_new, which
# is also operator new[]) and aligned_alloc do not (docs/decisions.md, "The services'
# allocator"), so they get probes of their own. Needs root.
#   malloc_probes_add PID   adds the probes; sets MALLOC_PROBE_EVENTS (perf event names)
#   malloc_probes_stat_args [FILTER]   prints perf stat arguments counting every event,
#                           then every event again under FILTER (when given)
#   malloc_probes_remove    deletes the probes again
MALLOC_PROBE_GROUP=phonebill_bench

malloc_probes_add() {
  local pid=$1 library
  library=$(awk '$6 ~ /\/libtcmalloc[a-z_]*\.so/ { print $6; exit }' "/proc/$pid/maps")
  [[ -n $library ]] || library=$(awk '$6 ~ /\/libc\.so/ { print $6; exit }' "/proc/$pid/maps")
  [[ -n $library ]] || { echo "malloc_probes: no allocator library in process $pid" >&2; return 1; }
  perf probe -q -d "$MALLOC_PROBE_GROUP:*" 2>/dev/null || true  # left by an interrupted run
  perf probe -q -x "$library" --add "$MALLOC_PROBE_GROUP:malloc=malloc size=%di:u64" || return 1
  MALLOC_PROBE_EVENTS=("$MALLOC_PROBE_GROUP:malloc")
  if [[ $library != */libc.so* ]]; then
    perf probe -q -x "$library" --add "$MALLOC_PROBE_GROUP:new=tc_new size=%di:u64" || return 1
    # aligned_alloc (Asio's coroutine frames): glibc's calls malloc for small alignments.
    perf probe -q -x "$library" --add "$MALLOC_PROBE_GROUP:aligned=tc_memalign size=%si:u64" ||
      return 1
    MALLOC_PROBE_EVENTS+=("$MALLOC_PROBE_GROUP:new" "$MALLOC_PROBE_GROUP:aligned")
  fi
}

malloc_probes_stat_args() {
  local event
  for event in "${MALLOC_PROBE_EVENTS[@]}"; do printf -- '-e\n%s\n' "$event"; done
  if [[ -n ${1:-} ]]; then
    for event in "${MALLOC_PROBE_EVENTS[@]}"; do printf -- '-e\n%s\n--filter\n%s\n' "$event" "$1"; done
  fi
}

malloc_probes_remove() { perf probe -q -d "$MALLOC_PROBE_GROUP:*" 2>/dev/null || true; }
