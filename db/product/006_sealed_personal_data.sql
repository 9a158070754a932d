-- Personal data of plan changes sealed at rest (SPEC §14, issue 19, docs/security.md
-- "Data protection", docs/product-change.md#data-at-rest): a change record's line number
-- and KOS's result message (free text that may echo a line) are stored as
-- XChaCha20-Poly1305 sealed values (bytea: version, key id, nonce, ciphertext + tag)
-- bound to their row by its request id; line_index is the keyed BLAKE2b blind index of
-- the line, and the fingerprint's line part (line|current|target) is that index in hex,
-- so an Idempotency-Key replay still compares. The guard table's "one change in flight
-- per line" uses line_index: no clear line is kept there either.
-- The clear columns stay, nullable, for rows written before this file: product-change
-- reads either form and its re-encryption pass seals them in batches while serving (a
-- row holds its line in exactly one form). Nothing is rewritten here, so the upgrade is
-- quick (the new CHECKs and the index of clear rows read the table once).

ALTER TABLE product_changes
  ALTER COLUMN line_number DROP NOT NULL,
  ADD COLUMN line_number_sealed bytea,
  ADD COLUMN line_index bytea CHECK (octet_length(line_index) = 32),
  ADD COLUMN result_message_sealed bytea,
  ADD CONSTRAINT product_changes_line_one_form
    CHECK ((line_number IS NULL) <> (line_number_sealed IS NULL)),
  ADD CONSTRAINT product_changes_message_one_form
    CHECK (result_message IS NULL OR result_message_sealed IS NULL);
-- The rows still clear: what each start-up's sweep reads (the pass, once finished under
-- the current key, looks only here). Empty once the first pass is done.
CREATE INDEX product_changes_clear ON product_changes (request_id)
  WHERE line_number IS NOT NULL OR result_message IS NOT NULL;
COMMENT ON COLUMN product_changes.result_message IS
  'before 006 only (cleared by the re-encryption pass): KOS''s resultMessage; see result_message_sealed';
COMMENT ON COLUMN product_changes.result_message_sealed IS
  'KOS''s resultMessage of a refusal it explained, sealed (docs/security.md "Data protection")';

-- The guard of a sealed change holds the line's index, not the line. The unique index on
-- line_index keeps the name the store recognises; the old one, on the clear line, keeps
-- guarding rows written before this file until the pass has sealed them (NULLs never
-- conflict), and the store's INSERT also refuses a line whose clear guard is in flight.
ALTER TABLE product_change_guards
  ALTER COLUMN line_number DROP NOT NULL,
  ADD COLUMN line_index bytea CHECK (octet_length(line_index) = 32),
  ADD CONSTRAINT product_change_guards_line CHECK (line_number IS NOT NULL OR line_index IS NOT NULL);
ALTER INDEX product_changes_one_in_flight RENAME TO product_changes_one_in_flight_clear;
CREATE UNIQUE INDEX product_changes_one_in_flight
  ON product_change_guards (line_index) WHERE in_flight;

-- The guard trigger (005) carries line_index as well.
CREATE OR REPLACE FUNCTION product_change_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
           (request_id, requested_at, user_id, line_number, line_index, idempotency_key, in_flight)
    VALUES (NEW.request_id, NEW.requested_at, NEW.user_id, NEW.line_number, NEW.line_index,
            NEW.idempotency_key, NEW.status IN ('REQUESTED', 'PENDING'))
    ON CONFLICT (request_id) DO UPDATE
       SET requested_at = excluded.requested_at, user_id = excluded.user_id,
           line_number = excluded.line_number, line_index = excluded.line_index,
           idempotency_key = excluded.idempotency_key, in_flight = excluded.in_flight;
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM product_change_guards WHERE request_id = NEW.request_id;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER product_changes_guard_update ON product_changes;
CREATE TRIGGER product_changes_guard_update AFTER UPDATE ON product_changes
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.idempotency_key IS DISTINCT FROM NEW.idempotency_key
        OR OLD.request_id IS DISTINCT FROM NEW.request_id
        OR OLD.line_number IS DISTINCT FROM NEW.line_number
        OR OLD.line_index IS DISTINCT FROM NEW.line_index
        OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.requested_at IS DISTINCT FROM NEW.requested_at)
  EXECUTE FUNCTION product_change_guard();

-- One known text sealed under every data key that has sealed something here: start-up
-- refuses a ring whose key of that id does not open it (wrong key) or that lacks a key
-- not yet retired (lost key). The pass retires a key once nothing is sealed with it.
-- (The same tables as db/auth/004: src/crypto/database_key_check.hpp reads them.)
CREATE TABLE data_key_checks (
  key_id      integer PRIMARY KEY CHECK (key_id BETWEEN 1 AND 65535),
  sealed      bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);

-- Where the re-encryption pass got to, for the current key: a restarted instance resumes
-- there; a new current key starts the pass again from the beginning.
CREATE TABLE data_key_passes (
  name         text PRIMARY KEY,
  key_id       integer NOT NULL,
  cursor       text NOT NULL,
  finished_at  timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
