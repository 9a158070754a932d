#!/usr/bin/env bash
# deploy/images/runtime-packages.sh — prints the Debian packages that hold the shared
# libraries of the given binaries (ldd, then dpkg -S), one per line, sorted: the runtime
# set of the images' root file system, derived instead of hand-listed.
set -euo pipefail
(($#)) || { echo "usage: $0 BINARY..." >&2; exit 2; }

# dpkg -S knows a file by the path its package ships; with merged /usr the loader may
# report /lib/... for a file shipped as /usr/lib/... (or the other way round).
owner_of() {
  local path=$1 candidate
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path}"; do
    dpkg-query -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1 && return 0
  done
  echo "runtime-packages: no Debian package owns $path" >&2
  return 1
}

for binary; do
  [[ -x $binary ]] || { echo "runtime-packages: $binary is not an executable" >&2; exit 1; }
  # "libpq.so.5 => /lib/x86_64-linux-gnu/libpq.so.5 (0x...)" and the loader itself.
  ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r library; do owner_of "$library"; done | sort -u
