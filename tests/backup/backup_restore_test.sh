#!/usr/bin/env bash
# tests/backup/backup_restore_test.sh — point-in-time restore with pgBackRest, end to end
# (issue 20 item 3), on a private PostgreSQL cluster this test starts (WAL archiving
# needs a restart the shared test cluster must not get): write history rows, take a full
# backup, write more, note the time, write more again, restore to the noted time, and
# find exactly the rows committed before it. Uses deploy/datastores.sh and
# deploy/backup.sh, the functions `./phonebill up|backup|restore` use. Prints the
# numbers (backup size and time, restore time, rows found vs expected) and exits
# non-zero on any mismatch. Registered with ctest (tests/CMakeLists.txt).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
source "$ROOT/deploy/common.sh"
source "$ROOT/deploy/datastores.sh"
source "$ROOT/deploy/backup.sh"

command -v pgbackrest >/dev/null || die "pgbackrest is not installed (deploy/debian-packages.txt)"
pg_find_bin
ensure_pg_system_user

WORK=$(mktemp -d -t phonebill-backup-test.XXXXXX)
chmod 755 "$WORK"
chown_to_pg_owner "$WORK"
DATA=$WORK/data
cleanup() {
  pg_stop "$DATA" immediate || true
  if [[ ${KEEP_WORK:-0} == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

milliseconds() { date +%s%3N; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$PORT" -U postgres -d history "$@"; }

# 1. A private cluster with WAL archiving into a private repository.
pg_init "$DATA" trust
PORT=$(free_port)
backup_settings "$WORK/backups"
backup_write_config "$DATA" "$PORT"
mapfile -t archive_lines < <(backup_archive_settings)
pg_configure "$DATA" "$PORT" "${archive_lines[@]}"
pg_start "$DATA" "$PORT" "$WORK/postgres.log"
psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c 'CREATE DATABASE history'
backup_create_stanza

# 2. History before the backup (A), after it (B), the target time, then more (C). The
#    rows are in the shape of bill-inquiry's request records.
sql -c "CREATE TABLE requests (request_id text PRIMARY KEY, batch text NOT NULL,
                               requested_at timestamptz NOT NULL DEFAULT clock_timestamp())"
write_batch() { # <batch> <rows>
  sql -c "INSERT INTO requests (request_id, batch)
          SELECT '$1-' || g, '$1' FROM generate_series(1, $2) g"
}
write_batch A 50000

started=$(milliseconds)
backup_run full
backup_ms=$(($(milliseconds) - started))
backup_bytes=$(du -sb "$BACKUP_REPO/backup" | cut -f1)

write_batch B 1000
sleep 1
target=$(sql -c "SELECT clock_timestamp()")
sleep 1
write_batch C 1000
# Close the WAL segment holding C so that it is archived: recovery needs a commit past
# the target to know where to stop.
sql -c "SELECT pg_switch_wal()" >/dev/null
deadline=$((SECONDS + 60))
until [[ $(sql -c "SELECT last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1)
                     FROM pg_stat_archiver") == t ]]; do
  ((SECONDS < deadline)) || die "WAL was not archived within 60 s"
  sleep 0.5
done

# 3. Lose the cluster's state past the target: stop it, restore to the target, start.
pg_stop "$DATA" fast
started=$(milliseconds)
backup_restore "$target"
pg_start "$DATA" "$PORT" "$WORK/postgres.log"
deadline=$((SECONDS + 120))
until [[ $(psql -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
  -c "SELECT NOT pg_is_in_recovery()" 2>/dev/null) == t ]]; do
  ((SECONDS < deadline)) || die "the restored cluster did not leave recovery within 120 s"
  sleep 0.2
done
restore_ms=$(($(milliseconds) - started))

# 4. Exactly A and B: every row committed before the target, none after.
found=$(sql -c "SELECT string_agg(batch || '=' || n, ' ' ORDER BY batch)
                  FROM (SELECT batch, count(*) AS n FROM requests GROUP BY batch) counts")
expected="A=50000 B=1000"
printf 'backup: full, %s bytes in the repository, %s ms\n' "$backup_bytes" "$backup_ms"
printf 'restore to %s: %s ms (restore + WAL replay + promotion)\n' "$target" "$restore_ms"
printf 'rows found: %s; expected: %s\n' "$found" "$expected"
[[ $found == "$expected" ]] || die "restore found '$found', expected '$expected'"
# The restored cluster takes writes again (promoted, not paused at the target).
write_batch D 1
echo "backup_restore_test: passed"
