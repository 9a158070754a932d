#!/bin/sh
# deploy/images/rootfs-hook.sh — mmdebstrap's extract hook for the images' root file
# system (deploy/images/images.sh): drops what a service never reads (documentation,
# translations; mmdebstrap itself clears apt's lists and cache afterwards) and adds the unprivileged account.
# Usage: rootfs-hook.sh <rootfs> <uid>
set -eu
root=$1 uid=$2
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" \
  "$root/usr/share/lintian" "$root/usr/share/perl5" "$root/usr/share/debconf" \
  "$root/usr/share/bash-completion" "$root/usr/share/gdb" "$root/usr/share/pixmaps" \
  "$root/usr/share/gcc" "$root/var/cache/debconf"
mkdir -p "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cat >"$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/usr/sbin/nologin
phonebill:x:$uid:$uid:phonebill service:/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$root/etc/group" <<GROUP
root:x:0:
phonebill:x:$uid:
nogroup:x:65534:
GROUP
# The loader's cache, so the services start without searching every library directory.
/sbin/ldconfig -r "$root"
