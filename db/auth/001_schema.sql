-- auth's own database (phonebill_auth): users with their Argon2id hashes and permissions,
-- failed-login counters (for unknown ids too), sessions with their hashed refresh tokens,
-- login history and the permission-check log (SPEC §3). Times are timestamptz written
-- from the service's clock; ids and tokens are opaque text. docs/auth.md explains the rules.

-- One row per account. Permissions are a set of the three SPEC §0 names.
CREATE TABLE users (
  user_id        text PRIMARY KEY CHECK (user_id ~ '^[A-Za-z0-9_-]{3,20}$'),
  password_hash  text NOT NULL,          -- libsodium crypto_pwhash_str (Argon2id) string
  user_name      text NOT NULL,
  customer_id    text NOT NULL,
  line_number    text NOT NULL CHECK (line_number ~ '^010[0-9]{8}$'),
  permissions    text[] NOT NULL DEFAULT '{}'
                 CHECK (permissions <@ ARRAY['BILL_INQUIRY', 'PRODUCT_CHANGE', 'ADMIN']),
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Consecutive failed logins per login id, whether or not a user has that id: unknown
-- ids are counted and locked exactly like real ones, so no answer tells them apart.
-- Rows are locked (SELECT ... FOR UPDATE through an upsert) while an attempt is reserved.
CREATE TABLE login_attempts (
  user_id          text PRIMARY KEY,
  failed_attempts  integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until     timestamptz,
  last_failure_at  timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_updated_idx ON login_attempts (updated_at);

-- A login session: one per successful login, ended by logout, refresh-token reuse, a
-- permission change, idle time (without autoLogin) or its absolute end.
CREATE TABLE sessions (
  session_id              text PRIMARY KEY,
  user_id                 text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  auto_login              boolean NOT NULL,
  created_at              timestamptz NOT NULL,
  last_used_at            timestamptz NOT NULL,  -- login or last refresh (idle clock)
  expires_at              timestamptz NOT NULL,  -- absolute end
  current_jti             text NOT NULL,         -- newest access token of the session
  current_jti_expires_at  timestamptz NOT NULL,
  revoked_at              timestamptz,
  revoke_reason           text CHECK (revoke_reason IN
                            ('LOGOUT', 'REFRESH_TOKEN_REUSED', 'PERMISSIONS_CHANGED')),
  client_ip               text NOT NULL,
  user_agent              text NOT NULL
);
CREATE INDEX sessions_active_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Refresh tokens, by the hex SHA-256 of the opaque token (the token itself is never
-- stored). rotated_at is set when the token was exchanged: presenting it again is reuse.
CREATE TABLE refresh_tokens (
  token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  session_id  text NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL,
  rotated_at  timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Every login attempt that reached the credential check (SPEC §3 login history).
CREATE TABLE login_history (
  id            bigserial PRIMARY KEY,
  attempted_at  timestamptz NOT NULL,
  user_id       text NOT NULL,        -- as typed (unknown ids too)
  client_ip     text NOT NULL,
  user_agent    text NOT NULL,
  result        text NOT NULL CHECK (result IN ('SUCCESS', 'FAILURE')),
  reason        text NOT NULL CHECK (reason IN
                  ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'LOCKED')),
  session_id    text,
  request_id    text NOT NULL
);
CREATE INDEX login_history_user_idx ON login_history (user_id, attempted_at DESC, id DESC);

-- Every POST /api/v1/auth/permissions/check.
CREATE TABLE permission_checks (
  id            bigserial PRIMARY KEY,
  checked_at    timestamptz NOT NULL,
  user_id       text NOT NULL,
  session_id    text NOT NULL,
  service_type  text NOT NULL,
  granted       boolean NOT NULL,
  request_id    text NOT NULL
);
CREATE INDEX permission_checks_user_idx ON permission_checks (user_id, checked_at DESC);
