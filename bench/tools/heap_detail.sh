#!/usr/bin/env bash
# bench/tools/heap_detail.sh — one line on where a process's resident memory is: from
# /proc/PID/smaps_rollup (anonymous and file-backed resident KiB) and, for a process
# linked with tcmalloc, the allocator's own counts read through gdb (bytes the program
# holds, free bytes tcmalloc keeps in its page heap, central and thread caches). For
# bench/gateway.sh --memory's detail (PHONEBILL_BENCH_MEMORY_DETAIL=1); needs gdb and
# ptrace rights, prints only the smaps part without them.
# Usage: heap_detail.sh PID
set -uo pipefail
pid=$1
awk '/^Rss:/ { rss = $2 } /^Anonymous:/ { anon = $2 } /^Pss_File:/ { file = $2 }
     END { printf "rss_kib=%d anon_kib=%d file_kib=%d", rss, anon, file }' "/proc/$pid/smaps_rollup"
if command -v gdb >/dev/null && grep -q tcmalloc "/proc/$pid/maps"; then
  commands=(-ex 'set $value = (unsigned long*) malloc(8)')
  for property in generic.current_allocated_bytes generic.heap_size \
    tcmalloc.pageheap_free_bytes tcmalloc.pageheap_unmapped_bytes \
    tcmalloc.central_cache_free_bytes tcmalloc.transfer_cache_free_bytes \
    tcmalloc.thread_cache_free_bytes; do
    commands+=(-ex "call (int) MallocExtension_GetNumericProperty(\"$property\", \$value)"
      -ex "printf \" $property=%lu\", *\$value")
  done
  commands+=(-ex 'call (void) free($value)')
  gdb -p "$pid" -batch -nx "${commands[@]}" 2>/dev/null | grep -oE "(generic|tcmalloc)\.[a-z_]+=[0-9]+" | sed "s/^/ /" | tr -d "\n"
fi
echo
