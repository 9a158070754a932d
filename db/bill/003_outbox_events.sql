-- The outbox (issue 21, docs/events.md): every event bill-inquiry tells the MVNO AP
-- server about is written here in the same transaction as the history rows it
-- describes, so an event exists exactly when its inquiry record does. The relay
-- (src/outbox/outbox_relay.hpp) claims due rows with FOR UPDATE SKIP LOCKED and a lease,
-- POSTs them signed, and marks them DELIVERED, or reschedules them with backoff, or
-- marks them DEAD once older than the configured age. Per-line order: only the oldest
-- undelivered event of an order_key is ever claimed. The same table is in db/product/004.
CREATE TABLE outbox_events (
  sequence        bigserial PRIMARY KEY,  -- insertion order: the per-key delivery order
  event_id        text NOT NULL UNIQUE,   -- the event's id, and the Idempotency-Key sent
  event_type      text NOT NULL,
  order_key       text NOT NULL,          -- events of one key are delivered in sequence
                                          -- (a line's hash, or kos-circuit:<operation>)
  body            jsonb NOT NULL,         -- the event as sent (docs/events.md)
  created_at      timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  retrying_since  timestamptz NOT NULL DEFAULT now(),  -- dead once this is older than the
                                          -- configured age (reset by a re-drive)
  claimed_until   timestamptz,            -- a relay holds it until then
  last_error      text,                   -- the last attempt's failure (no secrets, no body)
  delivered_at    timestamptz,
  dead_at         timestamptz
);
-- What the relay scans, and the per-key head look-up.
CREATE INDEX outbox_events_pending ON outbox_events (order_key, sequence) WHERE status = 'PENDING';
CREATE INDEX outbox_events_due ON outbox_events (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX outbox_events_dead ON outbox_events (dead_at) WHERE status = 'DEAD';
-- Delivered rows are kept a while (support questions), then purged by the relay.
CREATE INDEX outbox_events_delivered ON outbox_events (delivered_at) WHERE status = 'DELIVERED';
