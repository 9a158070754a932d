-- product-change's outbox event bodies sealed at rest (SPEC §14, issue 19,
-- docs/security.md "Data protection"): an event names the line and the customer, so
-- its body is stored as body_sealed (an XChaCha20-Poly1305 sealed value bound to the
-- event id, src/outbox/outbox_store.hpp); the relay opens it to deliver, so the MVNO
-- receives the same document. The clear column stays, nullable, for events written
-- before this file (or by an instance of the previous release during a rolling
-- upgrade): the relay reads either form and product-change's re-encryption pass
-- (change_seal_pass) seals them in batches while serving. A row holds its body in
-- exactly one form. Nothing is rewritten here (the CHECK and the index of clear bodies,
-- which each start of the pass sweeps, read the table once). The same change for
-- bill-inquiry's table is in db/bill/004.
ALTER TABLE outbox_events
  ALTER COLUMN body DROP NOT NULL,
  ADD COLUMN body_sealed bytea,
  ADD CONSTRAINT outbox_events_body_one_form CHECK ((body IS NULL) <> (body_sealed IS NULL));
CREATE INDEX outbox_events_clear ON outbox_events (sequence) WHERE body IS NOT NULL;
