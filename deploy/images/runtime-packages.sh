#!/usr/bin/env bash
# deploy/images/runtime-packages.sh — prints the Debian packages that hold the shared
# libraries of the given binaries (ldd, then dpkg -S), one per line, sorted: the runtime
# set of the images' root file system, derived instead of hand-listed.
set -euo pipefail
(($#)) || { echo "usage: $0 BINARY..." >&2; exit 2; }

mapfile -t libraries < <(for binary; do
  [[ -x $binary ]] || { echo "runtime-packages: $binary is not an executable" >&2; exit 1; }
  # "libpq.so.5 => /lib/x86_64-linux-gnu/libpq.so.5 (0x...)" and the loader itself.
  ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u)

# dpkg knows a file by the path its package ships; with merged /usr the loader may report
# /lib/... for a file shipped as /usr/lib/... (or the other way round), and a symlink's
# target may be the shipped name. One dpkg-query over every spelling (it is slow per call).
variants() { local path real; for path; do real=$(readlink -f "$path")
  printf '%s\n' "$path" "$real" "${path#/usr}" "/usr$path" "${real#/usr}" "/usr$real"; done; }
declare -A owner=()
while IFS= read -r line; do
  [[ $line == *": /"* ]] || continue
  owner[${line#*: }]=${line%%: *}
done < <(variants "${libraries[@]}" | sort -u | xargs dpkg-query -S 2>/dev/null || true)

for library in "${libraries[@]}"; do
  found=''
  for candidate in $(variants "$library"); do
    if [[ -n ${owner[$candidate]:-} ]]; then found=${owner[$candidate]%%:*}; break; fi
  done
  [[ -n $found ]] || { echo "runtime-packages: no Debian package owns $library" >&2; exit 1; }
  echo "$found"
done | sort -u
