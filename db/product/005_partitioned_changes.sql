-- Monthly partitions for product-change's change records (issue 20, docs/history.md):
-- product_changes becomes range-partitioned by month on requested_at, maintained by
-- pg_partman like the other history tables (4 months ahead; months past the retention,
-- 5 years by default, detached into history_archive for `./phonebill maintain` to
-- archive and drop). Existing rows move in this migration's transaction (a one-time
-- step, docs/history.md#migrating-existing-rows): a row is never in two places nor none.
--
-- A partitioned table cannot hold a unique index that lacks the partition key, so the
-- two rules that were partial unique indexes here — one change in flight per line, one
-- request per (user, Idempotency-Key) — move to product_change_guards: one small
-- unpartitioned row per change that is in flight or holds a key, written by a trigger in
-- the same statement (so the same transaction) as the change itself. Its unique indexes
-- keep the old names, so a refused INSERT reports the constraint it always did. The
-- guard also carries requested_at: the store's claim, settle and release statements read
-- the month from it and touch one partition, not sixty.
CREATE SCHEMA IF NOT EXISTS partman;
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
CREATE SCHEMA IF NOT EXISTS history_archive;

ALTER TABLE product_changes RENAME TO product_changes_legacy;
ALTER INDEX product_changes_pkey RENAME TO product_changes_legacy_pkey;
ALTER INDEX product_changes_one_in_flight RENAME TO product_changes_legacy_one_in_flight;
ALTER INDEX product_changes_idempotency RENAME TO product_changes_legacy_idempotency;
ALTER INDEX product_changes_user_time RENAME TO product_changes_legacy_user_time;
ALTER INDEX product_changes_unsettled RENAME TO product_changes_legacy_unsettled;

-- The columns as 001-003 left them (http_status and result_code went in 003).
-- request ids are 128-bit (random before this file, time-ordered since), so
-- (request_id, requested_at) is as unique as request_id was.
CREATE TABLE product_changes (
  request_id            text NOT NULL,      -- ours, and KOS's requestId
  user_id               text NOT NULL,
  line_number           text NOT NULL,      -- canonical
  previous_product_code text NOT NULL,
  previous_product_name text NOT NULL,
  target_product_code   text NOT NULL,
  target_product_name   text NOT NULL,
  status                text NOT NULL
    CHECK (status IN ('REQUESTED', 'PRECHECK_FAILED', 'COMPLETED', 'FAILED', 'PENDING')),
  idempotency_key       text,
  fingerprint           text NOT NULL,
  result_message        text,
  kos_result_code       text,
  checks                jsonb,
  kos_order_number      text,
  effective_date        text,
  requested_at          timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  processed_at          timestamptz,
  reconcile_attempts    integer NOT NULL DEFAULT 0,
  http_request_id       text,
  trace_id              text,
  claimed_until         timestamptz,
  failure_reason        text,
  PRIMARY KEY (request_id, requested_at)
) PARTITION BY RANGE (requested_at);
COMMENT ON COLUMN product_changes.failure_reason IS
  'PRECHECK_FAILED / FAILED: why, as a ProductStatus name (services/product-change/product_status.hpp)';
COMMENT ON COLUMN product_changes.result_message IS
  'KOS''s resultMessage of a refusal it explained (before 003: the message answered)';

CREATE INDEX product_changes_user_time
  ON product_changes (user_id, requested_at DESC, request_id DESC);
-- What the reconciler scans (in the months from the oldest unsettled change on).
CREATE INDEX product_changes_unsettled
  ON product_changes (updated_at) WHERE status IN ('REQUESTED', 'PENDING');

-- One row per change in flight (REQUESTED/PENDING) or holding an Idempotency-Key; the
-- trigger below keeps it in step with product_changes. Small: changes settle within a
-- minute, and `./phonebill maintain` removes the rows of keys past their time.
CREATE TABLE product_change_guards (
  request_id      text PRIMARY KEY,
  requested_at    timestamptz NOT NULL,   -- the change's partition key
  user_id         text NOT NULL,
  line_number     text NOT NULL,
  idempotency_key text,
  in_flight       boolean NOT NULL,
  CHECK (in_flight OR idempotency_key IS NOT NULL)
);
-- One change in flight per line, whatever month its row is in.
CREATE UNIQUE INDEX product_changes_one_in_flight
  ON product_change_guards (line_number) WHERE in_flight;
-- An Idempotency-Key names one request of one user, whatever month its row is in.
CREATE UNIQUE INDEX product_changes_idempotency
  ON product_change_guards (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The claim's lower bound: the oldest change in flight.
CREATE INDEX product_change_guards_in_flight
  ON product_change_guards (requested_at) WHERE in_flight;

-- Keeps product_change_guards in step with every write to product_changes, whoever makes
-- it (the service, the reconciler, an operator's SQL): a row in flight or with a key has
-- its guard row, any other has none. A guard conflict aborts the write (unique_violation
-- naming the index above).
CREATE FUNCTION product_change_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF TG_OP = 'DELETE' OR OLD.request_id <> NEW.request_id THEN
      DELETE FROM product_change_guards WHERE request_id = OLD.request_id;
    END IF;
    IF TG_OP = 'DELETE' THEN
      RETURN NULL;
    END IF;
  END IF;
  IF NEW.status IN ('REQUESTED', 'PENDING') OR NEW.idempotency_key IS NOT NULL THEN
    INSERT INTO product_change_guards AS g
           (request_id, requested_at, user_id, line_number, idempotency_key, in_flight)
    VALUES (NEW.request_id, NEW.requested_at, NEW.user_id, NEW.line_number,
            NEW.idempotency_key, NEW.status IN ('REQUESTED', 'PENDING'))
    ON CONFLICT (request_id) DO UPDATE
       SET requested_at = excluded.requested_at, user_id = excluded.user_id,
           line_number = excluded.line_number, idempotency_key = excluded.idempotency_key,
           in_flight = excluded.in_flight;
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM product_change_guards WHERE request_id = NEW.request_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER product_changes_guard_insert AFTER INSERT ON product_changes
  FOR EACH ROW EXECUTE FUNCTION product_change_guard();
-- Only the writes that can change what the guard holds (claims and releases do not).
CREATE TRIGGER product_changes_guard_update AFTER UPDATE ON product_changes
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.idempotency_key IS DISTINCT FROM NEW.idempotency_key
        OR OLD.request_id IS DISTINCT FROM NEW.request_id
        OR OLD.line_number IS DISTINCT FROM NEW.line_number
        OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.requested_at IS DISTINCT FROM NEW.requested_at)
  EXECUTE FUNCTION product_change_guard();
CREATE TRIGGER product_changes_guard_delete AFTER DELETE ON product_changes
  FOR EACH ROW EXECUTE FUNCTION product_change_guard();

-- Partitions from the oldest kept month of the existing rows (else pg_partman's own
-- 4 back) to 4 months ahead, plus a default partition for anything outside them.
SELECT partman.create_parent(
  p_parent_table := 'public.product_changes', p_control := 'requested_at',
  p_type := 'native', p_interval := '1 month', p_premake := 4,
  p_start_partition := (SELECT date_trunc('month', min(requested_at))::text
                          FROM product_changes_legacy
                         WHERE requested_at >= now() - interval '5 years'));

-- Retention default (the design's: plan changes kept 5 years); `./phonebill maintain`
-- writes the configured value (PHONEBILL_RETENTION_PRODUCT_CHANGES) before every run.
UPDATE partman.part_config
   SET retention = '5 years', retention_keep_table = true, retention_keep_index = false,
       retention_schema = 'history_archive', infinite_time_partitions = true
 WHERE parent_table = 'public.product_changes';

-- The existing rows, in this transaction; the trigger writes their guard rows.
INSERT INTO product_changes SELECT request_id, user_id, line_number, previous_product_code,
  previous_product_name, target_product_code, target_product_name, status, idempotency_key,
  fingerprint, result_message, kos_result_code, checks, kos_order_number, effective_date,
  requested_at, updated_at, processed_at, reconcile_attempts, http_request_id, trace_id,
  claimed_until, failure_reason
  FROM product_changes_legacy;

-- Ids written before this file are random: their month cannot be read from them, so
-- GET /changes/{id} finds their time here (one index probe) and still reads one
-- partition. `./phonebill maintain` deletes entries older than the retention.
CREATE TABLE product_change_legacy_ids (
  request_id   text PRIMARY KEY,
  requested_at timestamptz NOT NULL
);
INSERT INTO product_change_legacy_ids SELECT request_id, requested_at FROM product_changes_legacy;

DROP TABLE product_changes_legacy;
