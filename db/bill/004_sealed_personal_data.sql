-- Personal data sealed at rest in bill-inquiry's history (SPEC §14, issue 19,
-- docs/security.md "Data protection"): a request's line number, result summary and the
-- bill shown, and a KOS call's message (KOS may echo the line in it), are stored as
-- XChaCha20-Poly1305 sealed values (bytea: version, key id, nonce, ciphertext + tag)
-- bound to their row; "history of this line" uses line_index, a keyed BLAKE2b blind
-- index. The outbox's event bodies are sealed too (body_sealed: base64url text of the
-- sealed JSON, bound to the event id). The clear columns stay, nullable, for rows written
-- before this migration: bill-inquiry reads either form and its re-encryption pass seals
-- them in batches while serving (a row holds each value in exactly one form). Nothing is
-- rewritten here, so the upgrade is instant. On the partitioned tables every statement
-- reaches each partition (db/bill/002), and the index is the partitioned table's.

ALTER TABLE bill_inquiry_requests
  ALTER COLUMN result_summary DROP NOT NULL,
  ADD COLUMN line_number_sealed bytea,
  ADD COLUMN line_index bytea CHECK (octet_length(line_index) = 32),
  ADD COLUMN result_summary_sealed bytea,
  ADD COLUMN bill_sealed bytea,
  ADD CONSTRAINT bill_inquiry_requests_line_one_form
    CHECK (line_number IS NULL OR line_number_sealed IS NULL),
  ADD CONSTRAINT bill_inquiry_requests_summary_one_form
    CHECK ((result_summary IS NULL) <> (result_summary_sealed IS NULL)),
  ADD CONSTRAINT bill_inquiry_requests_bill_one_form
    CHECK (bill IS NULL OR bill_sealed IS NULL);
-- The list's "history of this line" (user, line) in the list's order.
CREATE INDEX bill_inquiry_requests_user_line_time
  ON bill_inquiry_requests (user_id, line_index, requested_at DESC, request_id DESC);

ALTER TABLE bill_kos_calls
  ADD COLUMN result_message_sealed bytea,
  ADD CONSTRAINT bill_kos_calls_message_one_form
    CHECK (result_message IS NULL OR result_message_sealed IS NULL);

ALTER TABLE outbox_events
  ALTER COLUMN body DROP NOT NULL,
  ADD COLUMN body_sealed bytea,
  ADD CONSTRAINT outbox_events_body_one_form CHECK ((body IS NULL) <> (body_sealed IS NULL));

-- One known text sealed under every data key that has sealed something here: start-up
-- refuses a ring whose key of that id does not open it (wrong key) or that lacks a key
-- not yet retired (lost key). The pass retires a key once nothing is sealed with it.
CREATE TABLE data_key_checks (
  key_id      integer PRIMARY KEY CHECK (key_id BETWEEN 1 AND 65535),
  sealed      bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);

-- Where the re-encryption pass of each table got to, for the current key: a restarted
-- instance resumes there; a new current key starts the pass again from the beginning.
CREATE TABLE data_key_passes (
  name         text PRIMARY KEY,
  key_id       integer NOT NULL,
  cursor       text NOT NULL,
  finished_at  timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
