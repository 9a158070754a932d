#!/usr/bin/env bash
# deploy/history-maintenance.sh — one maintenance pass over one service database's
# partitioned history (issue 20, docs/history.md#maintenance): writes the configured
# retention into pg_partman's part_config, runs pg_partman's maintenance (partitions
# made ahead; partitions past their retention detached into the history_archive schema),
# then archives every detached partition to a gzip'd CSV under the archive directory and
# only then drops it. Run by `./phonebill maintain` (hourly by deploy/systemd's timer) and
# by the integration test that moves the clock forward.
#
# Usage: history-maintenance.sh --dsn CONNINFO --archive-dir DIR
#                               [--retention SCHEMA.TABLE=INTERVAL]...
#                               [--idempotency-ttl INTERVAL]   (product-change: 24 hours)
# Prints one line per archived partition: "archived <db>/<table> <rows> rows <file>".
set -euo pipefail

die() {
  printf 'history-maintenance: %s\n' "$*" >&2
  exit 1
}

dsn='' archive_dir='' idempotency_ttl='24 hours'
declare -a retentions=()
while (($#)); do
  case $1 in
    --dsn) dsn=${2:-} && shift ;;
    --archive-dir) archive_dir=${2:-} && shift ;;
    --retention) retentions+=("${2:-}") && shift ;;
    --idempotency-ttl) idempotency_ttl=${2:-} && shift ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done
[[ -n $dsn ]] || die "--dsn is required"
[[ -n $archive_dir ]] || die "--archive-dir is required"

# psql on the service database: no .psqlrc, stop at the first error, bare output.
sql() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$dsn" "$@"; }

database=$(sql -c 'SELECT current_database()') || die "cannot connect"
[[ $(sql -c "SELECT count(*) FROM pg_extension WHERE extname = 'pg_partman'") == 1 ]] ||
  die "$database has no pg_partman (its history is not partitioned yet)"

# Retention from configuration: a bad interval or an unknown table stops the run before
# anything is detached.
for entry in "${retentions[@]}"; do
  table=${entry%%=*} interval=${entry#*=}
  [[ $entry == *=* && -n $table && -n $interval ]] || die "--retention wants TABLE=INTERVAL, got '$entry'"
  updated=$(sql -v table="$table" -v interval="$interval" <<'SQL'
UPDATE partman.part_config SET retention = (:'interval')::interval::text
 WHERE parent_table = :'table' RETURNING 1;
SQL
  )
  [[ $updated == 1 ]] || die "$table is not a partitioned history table of $database"
done

# bill-inquiry's bill documents (db/bill/005) are referenced by the requests of their
# month: they keep exactly the requests' retention, whatever was configured for either.
sql <<'SQL'
UPDATE partman.part_config AS documents SET retention = requests.retention
  FROM partman.part_config AS requests
 WHERE documents.parent_table = 'public.bill_documents'
   AND requests.parent_table = 'public.bill_inquiry_requests';
SQL

sql -v ttl="$idempotency_ttl" >/dev/null 2>&1 <<'SQL' || die "--idempotency-ttl wants an interval, got '$idempotency_ttl'"
SELECT (:'ttl')::interval;
SQL

# pg_partman's own pass (it serialises concurrent runs with its advisory lock). A
# procedure: it commits per partition set, so it runs outside any transaction.
sql -c 'CALL partman.run_maintenance_proc()'

# Only one archiver per database and archive directory at a time (pg_partman's own pass
# above already serialises itself).
mkdir -p "$archive_dir/$database"
exec {lock_fd}>"$archive_dir/$database/.lock"
flock -w 60 "$lock_fd" || die "another maintenance run holds $archive_dir/$database/.lock"

# Each detached partition: COPY to <table>.csv.gz.partial, check the row count, fsync,
# rename, then DROP. A crash at any point leaves the table (and at worst a .partial file
# the next run overwrites): rows are never dropped before their file is complete.
mapfile -t detached < <(sql -c "SELECT tablename FROM pg_tables
                                 WHERE schemaname = 'history_archive' ORDER BY tablename")
for table in "${detached[@]}"; do
  [[ $table =~ ^[a-z0-9_]+$ ]] || die "unexpected table name in history_archive: $table"
  file=$archive_dir/$database/$table.csv.gz
  expected=$(sql -c "SELECT count(*) FROM history_archive.$table")
  sql -c "\\copy history_archive.$table TO STDOUT WITH (FORMAT csv, HEADER)" | gzip -6 >"$file.partial"
  # Count records, not lines: a quoted CSV field may hold a newline (a record ends where
  # the quotes seen so far are balanced; "" inside a field counts twice).
  written=$(gzip -dc "$file.partial" | awk '{ quotes += gsub(/"/, "\"") } quotes % 2 == 0 { records++ } END { print records - 1 }')
  [[ $written == "$expected" ]] || die "$table: wrote $written rows, expected $expected; not dropped"
  sync "$file.partial"
  mv -f "$file.partial" "$file"
  sync "$archive_dir/$database"
  sql -c "DROP TABLE history_archive.$table"
  printf '%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$table" "$expected" "$(basename "$file")" \
    >>"$archive_dir/$database/MANIFEST"
  echo "archived $database/$table $expected rows $file"
done

# Ids written before time-ordered ids go with their rows (bill-inquiry, product-change).
exists() { [[ $(sql -c "SELECT to_regclass('public.$1') IS NOT NULL") == t ]]; }
retention_of() {
  printf "(SELECT retention::interval FROM partman.part_config WHERE parent_table = 'public.%s')" "$1"
}
if exists bill_inquiry_legacy_ids; then
  sql -c "DELETE FROM bill_inquiry_legacy_ids
           WHERE requested_at < now() - $(retention_of bill_inquiry_requests)"
fi
if exists product_change_legacy_ids; then
  sql -c "DELETE FROM product_change_legacy_ids
           WHERE requested_at < now() - $(retention_of product_changes)"
fi
# product-change's guard rows (db/product/005): those of months just dropped, and those
# that only hold an Idempotency-Key past its time (the service would free it on its next
# use anyway), so the table stays as small as the changes in flight and the day's keys.
if exists product_change_guards; then
  sql -v ttl="$idempotency_ttl" <<SQL
DELETE FROM product_change_guards WHERE requested_at < now() - $(retention_of product_changes);
DELETE FROM product_change_guards
 WHERE NOT in_flight AND requested_at < now() - (:'ttl')::interval;
SQL
fi
