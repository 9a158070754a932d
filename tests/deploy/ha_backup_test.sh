#!/usr/bin/env bash
# tests/deploy/ha_backup_test.sh — `./phonebill maintain` and `./phonebill backup` under
# --ha (issue 20, docs/operations.md#backups-under---ha), end to end on a private Patroni
# cluster: deploy/ha/datastores-ha.sh starts etcd, three PostgreSQL members and Redis in
# a temporary run directory (PHONEBILL_RUN_DIR) on the ports PHONEBILL_HA_*_PORT name
# (defaults below keep clear of the default --ha ports), the services' migrations are
# applied, then: a full backup from the primary; a switchover to another member; the
# history maintenance pass on the new primary (a 6-year-old month of plan changes
# archived); an incremental backup from the new primary, with the WAL of the new timeline
# archived; TLS on every member (issue 19 item 5); then a point-in-time restore under
# --ha (`./phonebill restore --time`). Prints the numbers and exits non-zero on any mismatch. Not in ctest: a
# Patroni bootstrap alone takes longer than the suite's budget on 2 cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
export PHONEBILL_HA_ETCD_PORT=${PHONEBILL_HA_ETCD_PORT:-33790}
export PHONEBILL_HA_PG_PORT=${PHONEBILL_HA_PG_PORT:-35432}
export PHONEBILL_HA_PATRONI_PORT=${PHONEBILL_HA_PATRONI_PORT:-38008}
export PHONEBILL_HA_REDIS_PORT=${PHONEBILL_HA_REDIS_PORT:-36390}
export PHONEBILL_HA_SENTINEL_PORT=${PHONEBILL_HA_SENTINEL_PORT:-36400}
export PHONEBILL_HA_KOS_PG_PORT=${PHONEBILL_HA_KOS_PG_PORT:-35442}
WORK=$(mktemp -d -t phonebill-ha-backup.XXXXXX)
chmod 755 "$WORK" # the PostgreSQL owner (unprivileged when we are root) must reach it
export PHONEBILL_RUN_DIR=$WORK/run
mkdir -p "$PHONEBILL_RUN_DIR"
export PGPASSFILE=$PHONEBILL_RUN_DIR/secrets/pgpass

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
milliseconds() { date +%s%3N; }
cleanup() {
  "$ROOT/deploy/ha/datastores-ha.sh" down >>"$WORK/datastores.log" 2>&1 || true
  if [[ ${KEEP_WORK:-0} == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

patroni_url() { echo "http://127.0.0.1:$((PHONEBILL_HA_PATRONI_PORT + $1 - 1))"; }
# The member (1..3) whose Patroni answers 200 on /primary (the REST API's own test).
primary_member() {
  local i
  for i in 1 2 3; do
    curl -fs --max-time 2 -o /dev/null "$(patroni_url "$i")/primary" && echo "$i" && return 0
  done
  return 1
}
sql() { # <member> <database> <psql args...>
  local port=$((PHONEBILL_HA_PG_PORT + $1 - 1)) db=$2
  shift 2
  psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}
as_role() { # <member> <database> <psql args...>: as the database's own role
  local port=$((PHONEBILL_HA_PG_PORT + $1 - 1)) db=$2
  shift 2
  psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$db" -d "$db" "$@"
}
repository_info() { # the stanza's backups as "<type>:<timeline>" lines
  pgbackrest --config="$PHONEBILL_RUN_DIR/ha/postgres/backups/pgbackrest.conf" \
    --stanza=phonebill --log-level-file=off --output=json info |
    jq -r '.[0].backup[] | "\(.type):\(.archive.start[0:8])"'
}

# 1. The datastores, and the services' schemas (as their own roles, as the services do).
started=$(milliseconds)
"$ROOT/deploy/ha/datastores-ha.sh" up >"$WORK/datastores.log" 2>&1 ||
  { tail -n 30 "$WORK/datastores.log"; fail "datastores-ha.sh up"; }
up_ms=$(($(milliseconds) - started))
grep -q "backups: pgBackRest stanza" "$WORK/datastores.log" ||
  { tail -n 30 "$WORK/datastores.log"; fail "up did not set up the backups"; }
printf 'PG_PORT=55432\nREDIS_PORT=56379\nINSTANCES=1\nCUSTOMERS=1000\nHA=1\n' \
  >"$PHONEBILL_RUN_DIR/state.env"
first=$(primary_member) || fail "no primary after up"
[[ $(sql "$first" postgres -c 'SHOW archive_mode') == on ]] || fail "archive_mode is not on"
for service in bill auth product; do
  for file in "$ROOT"/db/"$service"/*.sql; do
    as_role "$first" "phonebill_$service" -1 -f "$file" >/dev/null ||
      fail "migration $file on phonebill_$service"
  done
done

# TLS (issue 19 item 5): each member answers a client that verifies its certificate
# against the generated CA (sslmode=verify-full) over TLS, the replicas stream over TLS,
# and a client given another CA is refused.
CA=$PHONEBILL_RUN_DIR/secrets/pg-ca.crt
verified() { # <port> <sslrootcert> <sql>
  psql -X -q -At -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$1 user=postgres dbname=postgres
    sslmode=verify-full sslrootcert=$2 connect_timeout=5" -c "$3"
}
for member in 1 2 3; do
  [[ $(verified $((PHONEBILL_HA_PG_PORT + member - 1)) "$CA" \
    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == t ]] ||
    fail "pg$member: no TLS for a verify-full client"
done
[[ $(verified $((PHONEBILL_HA_PG_PORT + first - 1)) "$CA" "SELECT count(*) FILTER (WHERE s.ssl), count(*)
      FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)") == '2|2' ]] ||
  fail "the replicas do not all stream over TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=another CA" \
  -keyout "$WORK/other-ca.key" -out "$WORK/other-ca.crt" >/dev/null 2>&1
if refusal=$(verified "$PHONEBILL_HA_PG_PORT" "$WORK/other-ca.crt" "SELECT 1" 2>&1); then
  fail "a client trusting another CA was let in"
fi
[[ $refusal == *"certificate verify failed"* ]] || fail "another CA: $refusal"

# Plan changes 6 years old and now, in their own months.
as_role "$first" phonebill_product >/dev/null <<'SQL'
SELECT partman.create_partition_time('public.product_changes',
         ARRAY[date_trunc('month', now()) - interval '72 months']);
INSERT INTO product_changes (request_id, user_id, line_number, previous_product_code,
  previous_product_name, target_product_code, target_product_name, status, fingerprint,
  requested_at, updated_at)
SELECT 'change-' || m, 'u1', '0100000000' || m, 'A', 'Plan A', 'B', 'Plan B', 'COMPLETED',
       'x', date_trunc('month', now()) - make_interval(months => m) + interval '3 days', now()
  FROM unnest(ARRAY[72, 0]) m;
SQL

# 2. A full backup from the first primary.
started=$(milliseconds)
(cd "$ROOT" && ./phonebill backup --full) >"$WORK/backup-full.log" 2>&1 ||
  { cat "$WORK/backup-full.log"; fail "backup --full"; }
full_ms=$(($(milliseconds) - started))
grep -q "primary on 127.0.0.1:$((PHONEBILL_HA_PG_PORT + first - 1))" "$WORK/backup-full.log" ||
  fail "backup --full did not name the primary: $(cat "$WORK/backup-full.log")"

# 3. A switchover to another member (Patroni's REST API), then maintenance and an
#    incremental backup, both of which must find the new primary.
#    No candidate named: under synchronous_mode only the synchronous standby may take
#    over, and Patroni picks it.
curl -fsS --max-time 30 -X POST "$(patroni_url "$first")/switchover" \
  -d "{\"leader\": \"pg$first\"}" >"$WORK/switchover.log" 2>&1 ||
  fail "switchover: $(cat "$WORK/switchover.log")"
second=''
for _ in $(seq 120); do
  second=$(primary_member || true)
  [[ -n $second && $second != "$first" ]] &&
    [[ $(sql "$second" postgres -c 'SELECT NOT pg_is_in_recovery()' 2>/dev/null) == t ]] && break
  sleep 0.5
done
[[ -n $second && $second != "$first" ]] || fail "no other member became primary"

(cd "$ROOT" && ./phonebill maintain) >"$WORK/maintain.log" 2>&1 ||
  { cat "$WORK/maintain.log"; fail "maintain"; }
grep -q "archived phonebill_product/product_changes_p" "$WORK/maintain.log" ||
  fail "maintain archived no product month: $(cat "$WORK/maintain.log")"
[[ $(as_role "$second" phonebill_product -c "SELECT string_agg(request_id, ',') FROM product_changes") == change-0 ]] ||
  fail "maintenance left the wrong plan changes"

started=$(milliseconds)
(cd "$ROOT" && ./phonebill backup --incremental) >"$WORK/backup-incr.log" 2>&1 ||
  { cat "$WORK/backup-incr.log"; fail "backup --incremental after the switchover"; }
incr_ms=$(($(milliseconds) - started))
grep -q "primary on 127.0.0.1:$((PHONEBILL_HA_PG_PORT + second - 1))" "$WORK/backup-incr.log" ||
  fail "backup --incremental did not name the new primary"

mapfile -t backups < <(repository_info)
[[ ${#backups[@]} == 2 && ${backups[0]} == full:* && ${backups[1]} == incr:* ]] ||
  fail "repository holds: ${backups[*]}"
# The incremental started on the new primary's timeline: its WAL was archived.
[[ ${backups[1]#incr:} > ${backups[0]#full:} ]] ||
  fail "the incremental is not on a later timeline: ${backups[*]}"
repo_bytes=$(du -sb "$PHONEBILL_RUN_DIR/ha/postgres/backups/repo" | cut -f1)


# 4. Point-in-time restore under --ha: rows A, a backup, rows B, the time, rows C (their
#    WAL archived); the whole stack down, `./phonebill restore --time`; exactly A and B
#    are back, on a leader with two replicas streaming (over TLS) that hold them too.
sql "$second" postgres -c "CREATE TABLE restore_marks (batch text, i int);
                           INSERT INTO restore_marks SELECT 'A', i FROM generate_series(1, 5000) i" >/dev/null
(cd "$ROOT" && ./phonebill backup --incremental) >"$WORK/backup-before-restore.log" 2>&1 ||
  { cat "$WORK/backup-before-restore.log"; fail "backup --incremental before the restore"; }
sql "$second" postgres -c "INSERT INTO restore_marks SELECT 'B', i FROM generate_series(1, 1000) i"
sleep 1
target=$(sql "$second" postgres -c "SELECT clock_timestamp()::text")
sleep 1
sql "$second" postgres -c "INSERT INTO restore_marks SELECT 'C', i FROM generate_series(1, 1000) i"
segment=$(sql "$second" postgres -c "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 120); do
  [[ $(sql "$second" postgres -c "SELECT coalesce(last_archived_wal >= '$segment', false) FROM pg_stat_archiver") == t ]] && break
  sleep 0.5
done
[[ $(sql "$second" postgres -c "SELECT last_archived_wal >= '$segment' FROM pg_stat_archiver") == t ]] ||
  fail "the WAL holding rows C ($segment) was not archived"
"$ROOT/deploy/ha/datastores-ha.sh" down >>"$WORK/datastores.log" 2>&1 || fail "datastores-ha.sh down"
started=$(milliseconds)
(cd "$ROOT" && ./phonebill restore --time "$target") >"$WORK/restore.log" 2>&1 ||
  { cat "$WORK/restore.log"; fail "restore --time under --ha"; }
restore_ms=$(($(milliseconds) - started))
leader=$(primary_member) || fail "no leader after the restore"
found=$(sql "$leader" postgres -c "SELECT string_agg(batch || n, ',' ORDER BY batch)
         FROM (SELECT batch, count(*) n FROM restore_marks GROUP BY batch) r")
[[ $found == A5000,B1000 ]] || fail "after the restore: $found (expected A5000,B1000)"
streaming=''
for _ in $(seq 60); do
  streaming=$(sql "$leader" postgres -c "SELECT count(*) FILTER (WHERE r.state = 'streaming' AND s.ssl)
                FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)")
  [[ $streaming == 2 ]] && break
  sleep 0.5
done
[[ $streaming == 2 ]] || fail "after the restore $streaming replicas stream over TLS, not 2"
sql "$leader" postgres -c "INSERT INTO restore_marks VALUES ('D', 1)" || fail "the restored leader takes no writes"
for member in 1 2 3; do
  [[ $member == "$leader" ]] && continue
  for _ in $(seq 60); do
    [[ $(sql "$member" postgres -c "SELECT count(*) FROM restore_marks" 2>/dev/null) == 6001 ]] && break
    sleep 0.5
  done
  [[ $(sql "$member" postgres -c "SELECT count(*) FROM restore_marks") == 6001 ]] ||
    fail "replica pg$member does not hold the restored rows"
done

echo "ha_backup_test: up ${up_ms} ms; full backup from pg$first ${full_ms} ms;" \
  "switchover to pg$second; maintain archived the 6-year-old month;" \
  "incremental from pg$second ${incr_ms} ms; repository ${repo_bytes} bytes;" \
  "backups ${backups[*]}; restore to $target under --ha ${restore_ms} ms" \
  "(leader pg$leader, 2 replicas streaming, A 5000 + B 1000 rows, none of C)"
echo "PASS"
