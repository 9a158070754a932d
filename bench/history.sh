#!/usr/bin/env bash
# bench/history.sh — bill-inquiry's request history at scale, monthly partitions (pg_partman,
# db/bill/002) vs the plain table of before (issue 20 item 2): N request records spread
# over 24 months loaded with COPY, then, on each layout, a user's history page (the
# service's count + page statements) and a look-up by id (p50/p99 over random calls), the
# group-commit writer's batch insert throughput, and the time to drop the oldest month.
# A throwaway PostgreSQL (durable like every bench: BENCH_DURABILITY in lib.sh); the statements are the service's
# own (services/bill-inquiry/queries.hpp), run through psql's \timing (client round trip
# on loopback). Results: docs/benchmarks.md, "History at scale".
# Usage: bench/history.sh [rows, default 50000000] [calls per measurement, default 10000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROWS=${1:-50000000}
CALLS=${2:-10000}
USERS=$((ROWS / 50 > 0 ? ROWS / 50 : 1))  # 50 inquiries per user over two years
BATCHES=200                              # writer batches of 100 rows per layout

# Disk: one layout at a time (loaded, measured, then dropped before the next is loaded):
# the peak is one layout, under 0.9 kB a row (9.7 GiB of database for 12 million in
# docs/benchmarks.md) plus WAL. Refuse a run that would leave less than BENCH_MIN_FREE_GB
# (20) free on the disk the throwaway cluster lives on, and check again before each load.
MIN_FREE_KB=$((${BENCH_MIN_FREE_GB:-20} * 1024 * 1024))
free_kb() { df -Pk "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }'; }
needed_kb=$((ROWS * 9 / 10))
if (($(free_kb) - needed_kb < MIN_FREE_KB)); then
  die "$ROWS rows need about $((needed_kb / 1024 / 1024)) GiB; $(($(free_kb) / 1024 / 1024)) GiB free would fall under ${BENCH_MIN_FREE_GB:-20} GiB"
fi

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); free disk $(($(free_kb) / 1024 / 1024)) GiB"
bench_start_postgres
# The load average once a minute for the whole run (the machine is shared).
(while :; do echo "$(date -u +%H:%M) $(cut -d' ' -f1 /proc/loadavg)" >>"$BENCH_TMP/load.txt"; sleep 60; done) &
BENCH_PIDS+=($!)
milliseconds() { date +%s%3N; }
# sql <layout> psql-args...: psql on that layout's database.
sql() {
  local database=$1
  shift
  psql -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$database" "$@"
}
# restart_postgres <settings...>: ALTER SYSTEM the settings (none: back to the bench's
# durable ones) and restart, since wal_level only changes so.
restart_postgres() {
  local setting
  sql postgres -c "ALTER SYSTEM RESET ALL"
  for setting in "$@"; do sql postgres -c "ALTER SYSTEM SET $setting"; done
  pg_stop "$BENCH_PG_DATA"
  pg_start "$BENCH_PG_DATA" "$BENCH_PG_PORT" "$BENCH_TMP/pg/postgres.log" >/dev/null
}
# The generated rows only: the load runs under relaxed settings (no fsync, wal_level
# minimal so the COPY into the table truncated in its own transaction writes no WAL, the
# secondary index built after it), and PostgreSQL restarts durable before anything is
# measured. Production never loads 50 million rows at once; the writer's inserts, which it
# does make, are measured durable.
LOAD_SETTINGS=("fsync = off" "synchronous_commit = off" "full_page_writes = off"
  "wal_level = minimal" "max_wal_senders = 0" "maintenance_work_mem = '1GB'")

# Every row is generated relative to one instant, so both layouts hold the same rows
# (and the same ids) although they are loaded at different times.
REFERENCE=$(date -u '+%Y-%m-%d %H:%M:%S+00')
MONTHS_BACK="date_trunc('month', '$REFERENCE'::timestamptz) - interval '24 months'"

# Row k (1..ROWS): its time spread evenly over the last 24 months, its id time-ordered
# from that time (history/time_ordered_id.hpp's layout), its user k % USERS, a bill of
# about 400 bytes on completed ones.
generator="SELECT lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' ||
       lpad(to_hex(k), 19, '0'), 'user' || (k % $USERS), '010' || lpad((k % $USERS)::text, 8, '0'),
       to_char(t AT TIME ZONE 'Asia/Seoul', 'YYYY-MM'), t, t + interval '40 ms',
       CASE WHEN k % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
       CASE WHEN k % 10 = 0 THEN NULL ELSE 'KOS' END,
       CASE WHEN k % 10 = 0 THEN 'KOS_TIMEOUT' ELSE 'OK' END, 'bill shown',
       CASE WHEN k % 10 = 0 THEN NULL ELSE jsonb_build_object('lineNumber', '01012345678',
         'billingMonth', '2026-11', 'productCode', 'PLAN-5G-69', 'productName', '5G 스탠다드',
         'monthlyFee', 69000, 'usageFee', 12000, 'discountAmount', 5000, 'totalAmount', 76000,
         'discounts', jsonb_build_array(jsonb_build_object('name', '선택약정', 'amount', 5000)),
         'usage', jsonb_build_object('voice', 120, 'sms', 20, 'data', 35000),
         'paymentInfo', jsonb_build_object('billingDate', '2026-11-25', 'dueDate', '2026-12-10',
           'paymentStatus', 'PAID', 'paymentMethod', 'CARD')) END,
       'http-' || k, 'trace-' || k
  FROM generate_series(1, $ROWS) k,
       LATERAL (SELECT $MONTHS_BACK + (k::double precision / $ROWS) *
                       ('$REFERENCE'::timestamptz - ($MONTHS_BACK)) AS t) s"

declare -A RESULT
# load_layout <layout>: its database from the real migrations ("plain" has db/bill/001, the
# tables of before; "partitioned" 001 and 002, pg_partman, with partitions for the 24
# months back, the retention, and 4 ahead), then the ROWS generated rows by COPY.
load_layout() {
  local layout=$1 started
  step "$layout: schema and $ROWS rows (COPY, relaxed settings, then a durable restart)"
  (($(free_kb) - needed_kb >= MIN_FREE_KB)) || die "$layout: the load would leave under ${BENCH_MIN_FREE_GB:-20} GiB free"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$layout"
  sql "$layout" -f "$ROOT/db/bill/001_schema.sql"
  if [[ $layout == partitioned ]]; then
    sql partitioned -1 -f "$ROOT/db/bill/002_partitioned_history.sql" >/dev/null
    sql partitioned -c "SELECT partman.create_partition_time('public.bill_inquiry_requests',
          ARRAY(SELECT generate_series($MONTHS_BACK, '$REFERENCE'::timestamptz, interval '1 month')))" >/dev/null
  fi
  restart_postgres "${LOAD_SETTINGS[@]}"
  started=$(milliseconds)
  sql "$layout" -c "DROP INDEX bill_inquiry_requests_user_time"
  sql "$layout" -c "COPY ($generator) TO STDOUT" |
    sql "$layout" -1 -c "TRUNCATE bill_inquiry_requests" -c '\copy bill_inquiry_requests from pstdin'
  sql "$layout" -c "CREATE INDEX bill_inquiry_requests_user_time
                      ON bill_inquiry_requests (user_id, requested_at DESC, request_id DESC)"
  sql "$layout" -c "ANALYZE bill_inquiry_requests"
  RESULT[$layout.load_s]=$(awk -v ms=$(($(milliseconds) - started)) 'BEGIN { printf "%.0f", ms / 1000 }')
  restart_postgres
  sql "$layout" -c "CHECKPOINT"
  RESULT[$layout.rows]=$(sql "$layout" -c "SELECT count(*) FROM bill_inquiry_requests")
  RESULT[$layout.bytes]=$(sql "$layout" -c "SELECT pg_database_size(current_database())")
  RESULT[$layout.free_gib]=$(($(free_kb) / 1024 / 1024))
  if [[ $layout == partitioned ]]; then
    RESULT[partitions]=$(sql partitioned -c "SELECT count(*) FROM pg_inherits
                                              WHERE inhparent = 'bill_inquiry_requests'::regclass")
  fi
}

# psql runs <file> (statements prepared first) with \timing; prints "p50 p99" in ms of the
# EXECUTE lines.
timed_calls() { # <layout> <prepare-sql> <file-of-executes>
  { echo "$2"; echo '\timing on'; cat "$3"; } |
    sql "$1" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n |
    awk '{ v[NR] = $1 } END { printf "%.2f %.2f", v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }'
}

# The service's statements (queries.hpp), one PREPARE per layout.
list_sql() {
  cat <<'SQL'
PREPARE page(text, int, int) AS SELECT request_id, user_id, line_number, billing_month,
  (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms,
  (extract(epoch FROM finished_at) * 1000)::bigint AS finished_ms, status, source,
  result_code, result_summary FROM bill_inquiry_requests WHERE user_id = $1
  ORDER BY requested_at DESC, request_id DESC LIMIT $2 OFFSET $3;
PREPARE total(text) AS SELECT count(*) FROM bill_inquiry_requests WHERE user_id = $1;
SQL
}
# The calls, the same on both layouts: CALLS random users' pages (two statements a page)
# and the writer's batches, generated before either layout is loaded.
sql postgres -c "SELECT format('EXECUTE total(%L); EXECUTE page(%L, 20, 0);', u, u)
          FROM (SELECT 'user' || (random() * ($USERS - 1))::int AS u
                  FROM generate_series(1, $CALLS)) s" >"$BENCH_TMP/pages.sql"
sql postgres -c "SELECT format('EXECUTE insert_batch(%L);', (SELECT jsonb_agg(jsonb_build_object(
          'request_id', lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint), 12, '0') || '7' ||
                        lpad(to_hex(b * 1000 + r), 19, 'f'),
          'user_id', 'writer' || r, 'line_number', '01099990000', 'billing_month', '2026-12',
          'requested_at', now(), 'finished_at', now(), 'status', 'COMPLETED', 'source', 'KOS',
          'result_code', 'OK', 'result_summary', 'bill shown',
          'bill', jsonb_build_object('totalAmount', 76000), 'http_request_id', 'h', 'trace_id', 't'))
          FROM generate_series(1, 100) r)) FROM generate_series(1, $BATCHES) b" >"$BENCH_TMP/batches.sql"
cat >"$BENCH_TMP/prepare_insert.sql" <<'SQL'
PREPARE insert_batch(jsonb) AS INSERT INTO bill_inquiry_requests SELECT r.request_id, r.user_id, r.line_number,
  r.billing_month, r.requested_at, r.finished_at, r.status, r.source, r.result_code,
  r.result_summary, r.bill, r.http_request_id, r.trace_id
FROM jsonb_to_recordset($1) AS r(request_id text, user_id text, line_number text,
  billing_month text, requested_at timestamptz, finished_at timestamptz, status text,
  source text, result_code text, result_summary text, bill jsonb, http_request_id text,
  trace_id text) ON CONFLICT DO NOTHING;
SQL
# Two statements per page: pair them up into one page latency.
page_latency() { # <layout>
  { list_sql; echo '\timing on'; cat "$BENCH_TMP/pages.sql"; } | sql "$1" 2>&1 |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk 'NR % 2 == 1 { c = $1 } NR % 2 == 0 { print c + $1 }' |
    sort -n | awk '{ v[NR] = $1 } END { printf "%.2f %.2f", v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }'
}
writer_rate() { # <layout>
  local total
  total=$({ cat "$BENCH_TMP/prepare_insert.sql"; echo '\timing on'; cat "$BENCH_TMP/batches.sql"; } |
    sql "$1" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{ s += $1 } END { print s }')
  awk -v ms="$total" -v rows=$((BATCHES * 100)) 'BEGIN { printf "%.0f", rows / (ms / 1000) }'
}
drop_ms() { # <layout> <sql>
  local started
  started=$(milliseconds)
  sql "$1" -c "$2" >/dev/null
  echo $(($(milliseconds) - started))
}
oldest=$(sql postgres -c "SELECT $MONTHS_BACK")
first_month="requested_at < '$oldest'::timestamptz + interval '1 month'"

# measure_layout <layout>: page, by-id, writer and drop-the-oldest-month on a loaded
# layout, durable; then its database is dropped to make room for the next.
measure_layout() {
  local layout=$1
  step "$layout: history page (count + first page of 20), $CALLS random users"
  RESULT[$layout.page]=$(page_latency "$layout")

  step "$layout: look-up by id, $CALLS random ids"
  # The same ids on both layouts (the generator makes the same rows in each): sampled
  # from the first layout loaded.
  if [[ ! -s $BENCH_TMP/ids.txt ]]; then
    sql "$layout" -c "SELECT request_id FROM bill_inquiry_requests TABLESAMPLE SYSTEM (1)
                       ORDER BY random() LIMIT $CALLS" >"$BENCH_TMP/ids.txt"
    # Plain: the statement of before. Partitioned: the window the id's time allows (± 1
    # day, what PgHistoryStore::find passes).
    awk '{ printf "EXECUTE find(%c%s%c);\n", 39, $1, 39 }' "$BENCH_TMP/ids.txt" >"$BENCH_TMP/find_plain.sql"
    awk '{ id = $1; t = "to_timestamp((%cx" substr(id, 1, 12) "%c)::bit(48)::bigint / 1000.0)"
           printf "EXECUTE find(%c%s%c, " t " - interval %c1 day%c, " t " + interval %c1 day%c);\n",
                  39, id, 39, 39, 39, 39, 39, 39, 39, 39, 39 }' "$BENCH_TMP/ids.txt" >"$BENCH_TMP/find_window.sql"
  fi
  if [[ $layout == plain ]]; then
    RESULT[plain.find]=$(timed_calls plain "PREPARE find(text) AS SELECT request_id, user_id, bill::text FROM bill_inquiry_requests WHERE request_id = \$1;" "$BENCH_TMP/find_plain.sql")
  else
    RESULT[partitioned.find]=$(timed_calls partitioned "PREPARE find(text, timestamptz, timestamptz) AS SELECT request_id, user_id, bill::text FROM bill_inquiry_requests WHERE request_id = \$1 AND requested_at >= \$2 AND requested_at < \$3;" "$BENCH_TMP/find_window.sql")
    # The statement of before on the partitioned table: what 002 would cost without the window.
    RESULT[unpruned.find]=$(timed_calls partitioned "PREPARE find(text) AS SELECT request_id, user_id, bill::text FROM bill_inquiry_requests WHERE request_id = \$1;" "$BENCH_TMP/find_plain.sql")
  fi

  step "$layout: group-commit writer, $BATCHES batches of 100 requests (jsonb_to_recordset)"
  RESULT[$layout.writer]=$(writer_rate "$layout")

  step "$layout: dropping the oldest month"
  if [[ $layout == plain ]]; then
    RESULT[plain.drop_rows]=$(sql plain -c "SELECT count(*) FROM bill_inquiry_requests WHERE $first_month")
    RESULT[plain.drop]=$(drop_ms plain "DELETE FROM bill_inquiry_requests WHERE $first_month")
  else
    local oldest_partition
    oldest_partition=$(sql partitioned -c "SELECT to_char('$oldest'::timestamptz, '\"bill_inquiry_requests_p\"YYYY_MM')")
    RESULT[partitioned.drop_rows]=$(sql partitioned -c "SELECT count(*) FROM $oldest_partition")
    RESULT[partitioned.drop]=$(drop_ms partitioned "ALTER TABLE bill_inquiry_requests DETACH PARTITION $oldest_partition; DROP TABLE $oldest_partition")
  fi
  "$PG_BIN/dropdb" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$layout"
}

for layout in plain partitioned; do
  load_layout "$layout"
  measure_layout "$layout"
  echo "$layout: ${RESULT[$layout.rows]} rows, $(numfmt --to=iec "${RESULT[$layout.bytes]}"), load ${RESULT[$layout.load_s]} s; page ${RESULT[$layout.page]}; find ${RESULT[$layout.find]}; writer ${RESULT[$layout.writer]} rows/s; drop ${RESULT[$layout.drop]} ms"
done

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); free disk $(($(free_kb) / 1024 / 1024)) GiB"
echo "load average each minute: $(awk '{ printf "%s %s, ", $1, $2 }' "$BENCH_TMP/load.txt")"
echo "free disk after each load (GiB): plain ${RESULT[plain.free_gib]}, partitioned ${RESULT[partitioned.free_gib]}"
printf '| %s | %s | %s |\n' "measure" "plain table (before)" "monthly partitions (pg_partman)"
printf '|---|---|---|\n'
printf '| rows, database size | %s rows, %s | %s rows in %s partitions, %s |\n' \
  "${RESULT[plain.rows]}" "$(numfmt --to=iec "${RESULT[plain.bytes]}")" \
  "${RESULT[partitioned.rows]}" "${RESULT[partitions]}" "$(numfmt --to=iec "${RESULT[partitioned.bytes]}")"
printf '| COPY load | %s s | %s s |\n' "${RESULT[plain.load_s]}" "${RESULT[partitioned.load_s]}"
printf '| history page (count + 20), p50 / p99 ms | %s | %s |\n' \
  "${RESULT[plain.page]/ / \/ }" "${RESULT[partitioned.page]/ / \/ }"
printf '| by-id look-up, p50 / p99 ms | %s | %s (without the id window: %s) |\n' \
  "${RESULT[plain.find]/ / \/ }" "${RESULT[partitioned.find]/ / \/ }" "${RESULT[unpruned.find]/ / \/ }"
printf '| writer batch insert, rows/s | %s | %s |\n' "${RESULT[plain.writer]}" "${RESULT[partitioned.writer]}"
printf '| drop the oldest month | DELETE of %s rows: %s ms | DETACH + DROP of %s rows: %s ms |\n' \
  "${RESULT[plain.drop_rows]}" "${RESULT[plain.drop]}" \
  "${RESULT[partitioned.drop_rows]}" "${RESULT[partitioned.drop]}"
