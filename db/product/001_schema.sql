-- product-change's own database (phonebill_product): one row per plan-change request,
-- a small state machine (docs/product-change.md):
--   REQUESTED → PRECHECK_FAILED | COMPLETED | FAILED | PENDING;  PENDING → COMPLETED | FAILED.
-- The row is written before KOS is called, and its request_id is the KOS requestId, so a
-- crash at any point leaves something the reconciler can settle by asking KOS.
CREATE TABLE product_changes (
  request_id            text PRIMARY KEY,   -- ours, and KOS's requestId
  user_id               text NOT NULL,
  line_number           text NOT NULL,      -- canonical
  previous_product_code text NOT NULL,      -- the line's plan when requested (KOS's after settling)
  previous_product_name text NOT NULL,
  target_product_code   text NOT NULL,
  target_product_name   text NOT NULL,
  status                text NOT NULL
    CHECK (status IN ('REQUESTED', 'PRECHECK_FAILED', 'COMPLETED', 'FAILED', 'PENDING')),
  idempotency_key       text,               -- the Idempotency-Key header, per user
  fingerprint           text NOT NULL,      -- line|current|target: the same key must mean the same body
  http_status           integer,            -- the answer's status once decided
  result_code           text,               -- OK, or the API error code answered
  result_message        text,               -- KOS's or our message
  kos_result_code       text,               -- 0000, 2001…2005, 9999 when KOS answered
  checks                jsonb,              -- the pre-check results
  kos_order_number      text,
  effective_date        text,               -- YYYY-MM-DD
  requested_at          timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  processed_at          timestamptz,        -- when the outcome became known
  reconcile_attempts    integer NOT NULL DEFAULT 0,
  http_request_id       text,
  trace_id              text
);

-- One change in flight per line, enforced here and not only in memory: any number of
-- instances may run, and a second INSERT for a line with a REQUESTED/PENDING row fails.
CREATE UNIQUE INDEX product_changes_one_in_flight
  ON product_changes (line_number) WHERE status IN ('REQUESTED', 'PENDING');

-- An Idempotency-Key names one request of one user (expired keys are cleared first).
CREATE UNIQUE INDEX product_changes_idempotency
  ON product_changes (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE INDEX product_changes_user_time
  ON product_changes (user_id, requested_at DESC, request_id DESC);

-- What the reconciler scans.
CREATE INDEX product_changes_unsettled
  ON product_changes (updated_at) WHERE status IN ('REQUESTED', 'PENDING');
