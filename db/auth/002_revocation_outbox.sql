-- The revocation outbox (SPEC §3, docs/auth.md "Revocation"): every revocation auth
-- decides on (logout, refresh-token reuse, a permission change) is committed here in the
-- same transaction as the session change, and only then acknowledged. RevocationPublisher
-- copies unpublished rows to Redis (key with TTL + PUBLISH) until Redis has them, and
-- copies every live row again when Redis has lost its data. Rows go once expired.
CREATE TABLE revocations (
  kind          text NOT NULL CHECK (kind IN ('jti', 'sid')),
  revoked_id    text NOT NULL CHECK (length(revoked_id) BETWEEN 1 AND 128),
  expires_at    timestamptz NOT NULL,  -- no token concerned verifies after this
  created_at    timestamptz NOT NULL,
  published_at  timestamptz,           -- NULL: Redis does not have it (with this expiry) yet
  PRIMARY KEY (kind, revoked_id)
);
CREATE INDEX revocations_unpublished_idx ON revocations (created_at) WHERE published_at IS NULL;
CREATE INDEX revocations_expires_idx ON revocations (expires_at);
