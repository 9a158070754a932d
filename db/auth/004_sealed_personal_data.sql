-- Personal data sealed at rest (SPEC §14, issue 19, docs/security.md "Data protection"):
-- user names, line numbers, and the client IPs of login history and sessions are stored
-- as XChaCha20-Poly1305 sealed values (bytea: version, key id, nonce, ciphertext + tag)
-- bound to their row; "user by line" uses line_index, a keyed BLAKE2b blind index.
-- The clear columns stay, nullable, for rows written before this migration: auth's
-- re-encryption pass seals them in batches while serving and clears them (a row holds
-- its value in exactly one form). Nothing is rewritten here, so the upgrade is instant.

ALTER TABLE users
  ALTER COLUMN user_name DROP NOT NULL,
  ALTER COLUMN line_number DROP NOT NULL,
  ADD COLUMN user_name_sealed bytea,
  ADD COLUMN line_number_sealed bytea,
  ADD COLUMN line_index bytea CHECK (octet_length(line_index) = 32),
  ADD CONSTRAINT users_name_one_form CHECK ((user_name IS NULL) <> (user_name_sealed IS NULL)),
  ADD CONSTRAINT users_line_one_form CHECK ((line_number IS NULL) <> (line_number_sealed IS NULL));
CREATE INDEX users_line_index_idx ON users (line_index);

ALTER TABLE login_history
  ALTER COLUMN client_ip DROP NOT NULL,
  ADD COLUMN client_ip_sealed bytea;

ALTER TABLE sessions
  ALTER COLUMN client_ip DROP NOT NULL,
  ADD COLUMN client_ip_sealed bytea;

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
