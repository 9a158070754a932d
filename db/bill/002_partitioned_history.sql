-- Monthly partitions for bill-inquiry's history (issue 20, docs/history.md): both history
-- tables become range-partitioned by month on requested_at, maintained by pg_partman
-- (partitions made 4 months ahead; ones older than the retention detached into the
-- history_archive schema, where `./phonebill maintain` archives and drops them).
-- Existing rows move in this migration's transaction (a one-time step, see
-- docs/history.md#migrating-existing-rows): a row is never in two places nor in none.
-- The extension is created by the superuser when the database is provisioned
-- (deploy/datastores.sh); IF NOT EXISTS makes this a no-op then, and creates it where
-- the migrating role is a superuser (the test harness).
CREATE SCHEMA IF NOT EXISTS partman;
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
CREATE SCHEMA IF NOT EXISTS history_archive;

ALTER TABLE bill_inquiry_requests RENAME TO bill_inquiry_requests_legacy;
ALTER INDEX bill_inquiry_requests_pkey RENAME TO bill_inquiry_requests_legacy_pkey;
ALTER INDEX bill_inquiry_requests_user_time RENAME TO bill_inquiry_requests_legacy_user_time;
ALTER TABLE bill_kos_calls RENAME TO bill_kos_calls_legacy;
ALTER INDEX bill_kos_calls_pkey RENAME TO bill_kos_calls_legacy_pkey;
ALTER INDEX bill_kos_calls_request RENAME TO bill_kos_calls_legacy_request;

-- A unique key of a partitioned table must hold the partition key: request ids are
-- 128-bit random (time-ordered since this file), so (request_id, requested_at) is as
-- unique as request_id was.
CREATE TABLE bill_inquiry_requests (
  request_id      text NOT NULL,
  user_id         text NOT NULL,
  line_number     text,             -- canonical; NULL when the request was invalid
  billing_month   text,             -- YYYY-MM; NULL when the request was invalid
  requested_at    timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  status          text NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
  source          text CHECK (source IN ('CACHE', 'KOS', 'STALE_CACHE')),
  result_code     text NOT NULL,    -- OK, or the API error code answered
  result_summary  text NOT NULL,
  bill            jsonb,            -- the billInfo shown (COMPLETED only)
  http_request_id text,             -- X-Request-Id of the HTTP request
  trace_id        text,
  PRIMARY KEY (request_id, requested_at)
) PARTITION BY RANGE (requested_at);
CREATE INDEX bill_inquiry_requests_user_time
  ON bill_inquiry_requests (user_id, requested_at DESC, request_id DESC);

CREATE TABLE bill_kos_calls (
  id             bigint NOT NULL,
  request_id     text NOT NULL,     -- bill_inquiry_requests.request_id (or a menu request)
  operation      text NOT NULL,     -- bill.inquiry, bill.months, product.inquiry
  attempt        integer NOT NULL,
  requested_at   timestamptz NOT NULL,
  responded_at   timestamptz NOT NULL,
  result_code    text,              -- KOS result code; NULL when KOS gave none
  result_message text,
  failure        text,              -- timeout, transport, system_error, circuit_open, ...
  circuit_state  text NOT NULL,
  PRIMARY KEY (id, requested_at)
) PARTITION BY RANGE (requested_at);
CREATE INDEX bill_kos_calls_request ON bill_kos_calls (request_id);
-- The id sequence carries on where the old table's left off.
ALTER SEQUENCE bill_kos_calls_id_seq OWNED BY bill_kos_calls.id;
ALTER TABLE bill_kos_calls ALTER COLUMN id SET DEFAULT nextval('bill_kos_calls_id_seq');

-- Partitions from the oldest kept month of the existing rows (else pg_partman's own
-- 4 back) to 4 months ahead, plus a default partition for anything outside them.
SELECT partman.create_parent(
  p_parent_table := 'public.bill_inquiry_requests', p_control := 'requested_at',
  p_type := 'native', p_interval := '1 month', p_premake := 4,
  p_start_partition := (SELECT date_trunc('month', min(requested_at))::text
                          FROM bill_inquiry_requests_legacy
                         WHERE requested_at >= now() - interval '24 months'));
SELECT partman.create_parent(
  p_parent_table := 'public.bill_kos_calls', p_control := 'requested_at',
  p_type := 'native', p_interval := '1 month', p_premake := 4,
  p_start_partition := (SELECT date_trunc('month', min(requested_at))::text
                          FROM bill_kos_calls_legacy
                         WHERE requested_at >= now() - interval '12 months'));

-- Retention defaults (the design's: inquiries 2 years, KOS calls 1 year); `./phonebill
-- maintain` writes the configured values here before every run. Expired partitions are
-- detached into history_archive, not dropped: they are dropped once archived.
UPDATE partman.part_config
   SET retention = CASE parent_table WHEN 'public.bill_inquiry_requests' THEN '24 months'
                                     ELSE '12 months' END,
       retention_keep_table = true, retention_keep_index = false,
       retention_schema = 'history_archive', infinite_time_partitions = true
 WHERE parent_table IN ('public.bill_inquiry_requests', 'public.bill_kos_calls');

-- The existing rows, in this transaction.
INSERT INTO bill_inquiry_requests SELECT * FROM bill_inquiry_requests_legacy;
INSERT INTO bill_kos_calls SELECT * FROM bill_kos_calls_legacy;

-- Ids written before this file are random: their month cannot be read from them, so
-- the by-id look-up finds their time here (one index probe) and still reads one
-- partition. `./phonebill maintain` deletes entries older than the retention.
CREATE TABLE bill_inquiry_legacy_ids (
  request_id   text PRIMARY KEY,
  requested_at timestamptz NOT NULL
);
INSERT INTO bill_inquiry_legacy_ids SELECT request_id, requested_at FROM bill_inquiry_requests_legacy;

DROP TABLE bill_inquiry_requests_legacy;
DROP TABLE bill_kos_calls_legacy;
