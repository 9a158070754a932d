// Every SQL statement auth runs, prepared by name (STYLE §7). The schema lives in
// db/auth/. Times travel as milliseconds since the Unix epoch ($n::bigint in,
// *_ms columns out) so that the service's Clock, not the database's, decides.
#pragma once

namespace phonebill::auth::queries {

// ---- users, credentials, lock state (UserStore) ---------------------------------------

// Creates the counter row of a login id if needed and locks it for this transaction
// (the upsert waits for concurrent attempts on the same id), with the user if one exists.
inline constexpr const char* kLockAttemptName = "auth.lock_attempt";
inline constexpr const char* kLockAttempt = R"SQL(
WITH attempt AS (
  INSERT INTO login_attempts (user_id, updated_at)
  VALUES ($1, to_timestamp($2::bigint / 1000.0))
  ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
  RETURNING failed_attempts, locked_until, last_failure_at)
SELECT a.failed_attempts,
       (extract(epoch FROM a.locked_until) * 1000)::bigint AS locked_until_ms,
       (extract(epoch FROM a.last_failure_at) * 1000)::bigint AS last_failure_ms,
       u.user_id, u.password_hash, u.user_name, u.user_name_sealed, u.customer_id,
       u.line_number, u.line_number_sealed, array_to_string(u.permissions, ',') AS permissions,
       (extract(epoch FROM u.last_login_at) * 1000)::bigint AS last_login_ms
FROM attempt a LEFT JOIN users u ON u.user_id = $1)SQL";

// $1 id, $2 failed attempts, $3 locked until (ms or NULL), $4 last failure (ms or NULL), $5 now.
inline constexpr const char* kStoreAttemptName = "auth.store_attempt";
inline constexpr const char* kStoreAttempt = R"SQL(
UPDATE login_attempts
SET failed_attempts = $2,
    locked_until = to_timestamp($3::bigint / 1000.0),
    last_failure_at = to_timestamp($4::bigint / 1000.0),
    updated_at = to_timestamp($5::bigint / 1000.0)
WHERE user_id = $1)SQL";

// The counter row of a login id, locked for this transaction (releasing a reservation).
inline constexpr const char* kLockAttemptStateName = "auth.lock_attempt_state";
inline constexpr const char* kLockAttemptState = R"SQL(
SELECT failed_attempts,
       (extract(epoch FROM locked_until) * 1000)::bigint AS locked_until_ms,
       (extract(epoch FROM last_failure_at) * 1000)::bigint AS last_failure_ms
FROM login_attempts WHERE user_id = $1
FOR UPDATE)SQL";

// A correct password: clears the counter and records the login time.
inline constexpr const char* kLoginSucceededName = "auth.login_succeeded";
inline constexpr const char* kLoginSucceeded = R"SQL(
WITH cleared AS (
  UPDATE login_attempts
  SET failed_attempts = 0, locked_until = NULL, last_failure_at = NULL,
      updated_at = to_timestamp($2::bigint / 1000.0)
  WHERE user_id = $1)
UPDATE users SET last_login_at = to_timestamp($2::bigint / 1000.0)
WHERE user_id = $1
RETURNING (extract(epoch FROM last_login_at) * 1000)::bigint AS last_login_ms)SQL";

inline constexpr const char* kUpdatePasswordHashName = "auth.update_password_hash";
inline constexpr const char* kUpdatePasswordHash = R"SQL(
UPDATE users SET password_hash = $2, updated_at = now() WHERE user_id = $1)SQL";

inline constexpr const char* kFindUserName = "auth.find_user";
inline constexpr const char* kFindUser = R"SQL(
SELECT u.user_id, u.user_name, u.user_name_sealed, u.customer_id, u.line_number,
       u.line_number_sealed, array_to_string(u.permissions, ',') AS permissions,
       (extract(epoch FROM u.last_login_at) * 1000)::bigint AS last_login_ms,
       coalesce(a.failed_attempts, 0) AS failed_attempts,
       (extract(epoch FROM a.locked_until) * 1000)::bigint AS locked_until_ms,
       (extract(epoch FROM a.last_failure_at) * 1000)::bigint AS last_failure_ms
FROM users u LEFT JOIN login_attempts a ON a.user_id = u.user_id
WHERE u.user_id = $1)SQL";

// "User by line": $1 the blind index of the canonical line (SealedFields::line_index).
// Rows sealed since the upgrade only; the pass gives every older row its index.
inline constexpr const char* kFindUserByLineName = "auth.find_user_by_line";
inline constexpr const char* kFindUserByLine = R"SQL(
SELECT u.user_id, u.user_name, u.user_name_sealed, u.customer_id, u.line_number,
       u.line_number_sealed, array_to_string(u.permissions, ',') AS permissions,
       (extract(epoch FROM u.last_login_at) * 1000)::bigint AS last_login_ms,
       coalesce(a.failed_attempts, 0) AS failed_attempts,
       (extract(epoch FROM a.locked_until) * 1000)::bigint AS locked_until_ms,
       (extract(epoch FROM a.last_failure_at) * 1000)::bigint AS last_failure_ms
FROM users u LEFT JOIN login_attempts a ON a.user_id = u.user_id
WHERE u.line_index = $1::bytea
ORDER BY u.user_id)SQL";

// $1 id, $2 hash, $3 sealed name, $4 customer, $5 sealed line, $6 permissions ('{A,B}'),
// $7 the line's blind index. Nothing returned when the id exists (ON CONFLICT): the
// caller answers 409.
inline constexpr const char* kInsertUserName = "auth.insert_user";
inline constexpr const char* kInsertUser = R"SQL(
INSERT INTO users (user_id, password_hash, user_name_sealed, customer_id, line_number_sealed,
                   permissions, line_index)
VALUES ($1, $2, $3::bytea, $4, $5::bytea, $6::text[], $7::bytea)
ON CONFLICT (user_id) DO NOTHING
RETURNING user_id)SQL";

inline constexpr const char* kUserExistsName = "auth.user_exists";
inline constexpr const char* kUserExists = R"SQL(
SELECT 1 FROM users WHERE user_id = $1)SQL";

// Admin unlock: clears the counter of an existing user; found = 0 for an unknown id.
inline constexpr const char* kUnlockName = "auth.unlock";
inline constexpr const char* kUnlock = R"SQL(
WITH target AS (SELECT user_id FROM users WHERE user_id = $1),
cleared AS (
  UPDATE login_attempts a
  SET failed_attempts = 0, locked_until = NULL, last_failure_at = NULL,
      updated_at = to_timestamp($2::bigint / 1000.0)
  FROM target t WHERE a.user_id = t.user_id
  RETURNING a.user_id)
SELECT (SELECT count(*) FROM target) AS found, (SELECT count(*) FROM cleared) AS cleared)SQL";

// Counters that mean nothing any more (no failure within the window, no lock).
inline constexpr const char* kPurgeAttemptsName = "auth.purge_attempts";
inline constexpr const char* kPurgeAttempts = R"SQL(
DELETE FROM login_attempts
WHERE (locked_until IS NULL OR locked_until < to_timestamp($1::bigint / 1000.0))
  AND (last_failure_at IS NULL OR last_failure_at < to_timestamp($2::bigint / 1000.0)))SQL";

// ---- sessions and refresh tokens (SessionStore) ------------------------------------------

// $1 session, $2 user, $3 autoLogin, $4 now, $5 expires, $6 jti, $7 jti expires, $8 ip,
// $9 user agent, $10 refresh token hash. $8 is sealed (SealedFields, bytea text).
inline constexpr const char* kCreateSessionName = "auth.create_session";
inline constexpr const char* kCreateSession = R"SQL(
WITH session AS (
  INSERT INTO sessions (session_id, user_id, auto_login, created_at, last_used_at, expires_at,
                        current_jti, current_jti_expires_at, client_ip_sealed, user_agent)
  VALUES ($1, $2, $3, to_timestamp($4::bigint / 1000.0), to_timestamp($4::bigint / 1000.0),
          to_timestamp($5::bigint / 1000.0), $6, to_timestamp($7::bigint / 1000.0), $8::bytea, $9)
  RETURNING session_id)
INSERT INTO refresh_tokens (token_hash, session_id, issued_at)
SELECT $10, session_id, to_timestamp($4::bigint / 1000.0) FROM session)SQL";

// The presented refresh token with its session and user, both rows locked so that
// concurrent refreshes (and logout) of one session run one after the other.
inline constexpr const char* kLockRefreshTokenName = "auth.lock_refresh_token";
inline constexpr const char* kLockRefreshToken = R"SQL(
SELECT t.rotated_at IS NOT NULL AS rotated,
       s.session_id, s.user_id, s.auto_login, s.revoked_at IS NOT NULL AS revoked,
       (extract(epoch FROM s.created_at) * 1000)::bigint AS created_ms,
       (extract(epoch FROM s.last_used_at) * 1000)::bigint AS last_used_ms,
       (extract(epoch FROM s.expires_at) * 1000)::bigint AS expires_ms,
       s.current_jti,
       (extract(epoch FROM s.current_jti_expires_at) * 1000)::bigint AS current_jti_expires_ms,
       u.customer_id, u.line_number, u.line_number_sealed,
       array_to_string(u.permissions, ',') AS permissions
FROM refresh_tokens t
JOIN sessions s ON s.session_id = t.session_id
JOIN users u ON u.user_id = s.user_id
WHERE t.token_hash = $1
FOR UPDATE OF t, s)SQL";

// $1 presented hash, $2 new hash, $3 session, $4 now, $5 new jti, $6 its expiry.
inline constexpr const char* kRotateRefreshTokenName = "auth.rotate_refresh_token";
inline constexpr const char* kRotateRefreshToken = R"SQL(
WITH used AS (
  UPDATE refresh_tokens SET rotated_at = to_timestamp($4::bigint / 1000.0)
  WHERE token_hash = $1),
fresh AS (
  INSERT INTO refresh_tokens (token_hash, session_id, issued_at)
  VALUES ($2, $3, to_timestamp($4::bigint / 1000.0)))
UPDATE sessions
SET last_used_at = to_timestamp($4::bigint / 1000.0), current_jti = $5,
    current_jti_expires_at = to_timestamp($6::bigint / 1000.0)
WHERE session_id = $3)SQL";

// Ends one session (idempotent: an ended one keeps its first reason) and, in the same
// statement, puts its revocation into the outbox: the sid until $4, and the jti $5 (NULL:
// none) until $6. A row already there is only ever extended, and then published again.
// Returns the session's owner and newest token even when it was ended before.
inline constexpr const char* kRevokeSessionName = "auth.revoke_session";
inline constexpr const char* kRevokeSession = R"SQL(
WITH target AS (SELECT session_id FROM sessions WHERE session_id = $1 FOR UPDATE),
ended AS (
  UPDATE sessions s
  SET revoked_at = to_timestamp($3::bigint / 1000.0), revoke_reason = $2
  FROM target t WHERE s.session_id = t.session_id AND s.revoked_at IS NULL
  RETURNING s.session_id),
outbox AS (
  INSERT INTO revocations (kind, revoked_id, expires_at, created_at)
  SELECT r.kind, r.revoked_id, to_timestamp(r.until_ms / 1000.0), to_timestamp($3::bigint / 1000.0)
  FROM (VALUES ('sid', $1::text, $4::bigint), ('jti', $5::text, $6::bigint))
       AS r (kind, revoked_id, until_ms)
  WHERE r.revoked_id IS NOT NULL
  ON CONFLICT (kind, revoked_id) DO UPDATE
  SET expires_at = EXCLUDED.expires_at, published_at = NULL
  WHERE revocations.expires_at < EXCLUDED.expires_at)
SELECT s.user_id, s.current_jti,
       (extract(epoch FROM s.current_jti_expires_at) * 1000)::bigint AS current_jti_expires_ms,
       EXISTS (SELECT 1 FROM ended) AS newly_revoked
FROM sessions s WHERE s.session_id = $1)SQL";

// Admin permission change: sets user $1's permissions to $5, ends every live session of
// the user (tokens carry permissions) and puts each sid into the revocation outbox until
// $4 — one statement, so a failure leaves neither half. found = 0 for an unknown id;
// one row per ended session (session_id NULL when there was none).
inline constexpr const char* kSetPermissionsEndingSessionsName =
    "auth.set_permissions_ending_sessions";
inline constexpr const char* kSetPermissionsEndingSessions = R"SQL(
WITH target AS (
  UPDATE users SET permissions = $5::text[], updated_at = now() WHERE user_id = $1
  RETURNING user_id),
ended AS (
  UPDATE sessions
  SET revoked_at = to_timestamp($3::bigint / 1000.0), revoke_reason = $2
  WHERE user_id IN (SELECT user_id FROM target)
    AND revoked_at IS NULL AND expires_at > to_timestamp($3::bigint / 1000.0)
  RETURNING session_id, current_jti,
            (extract(epoch FROM current_jti_expires_at) * 1000)::bigint AS current_jti_expires_ms),
outbox AS (
  INSERT INTO revocations (kind, revoked_id, expires_at, created_at)
  SELECT 'sid', session_id, to_timestamp($4::bigint / 1000.0), to_timestamp($3::bigint / 1000.0)
  FROM ended
  ON CONFLICT (kind, revoked_id) DO UPDATE
  SET expires_at = EXCLUDED.expires_at, published_at = NULL
  WHERE revocations.expires_at < EXCLUDED.expires_at)
SELECT t.found, e.session_id, e.current_jti, e.current_jti_expires_ms
FROM (SELECT count(*) AS found FROM target) t LEFT JOIN ended e ON true)SQL";

// Sessions (and their refresh tokens, by cascade) ended longer ago than $1.
inline constexpr const char* kPurgeSessionsName = "auth.purge_sessions";
inline constexpr const char* kPurgeSessions = R"SQL(
DELETE FROM sessions WHERE expires_at < to_timestamp($1::bigint / 1000.0)
   OR revoked_at < to_timestamp($1::bigint / 1000.0))SQL";

// ---- the revocation outbox (RevocationStore) -------------------------------------------------

// Up to $2 unpublished revocations still alive at $1, oldest first, locked for this
// transaction; rows another instance is publishing right now are skipped.
inline constexpr const char* kClaimRevocationsName = "auth.claim_revocations";
inline constexpr const char* kClaimRevocations = R"SQL(
SELECT kind, revoked_id, (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms
FROM revocations
WHERE published_at IS NULL AND expires_at > to_timestamp($1::bigint / 1000.0)
ORDER BY created_at
LIMIT $2
FOR UPDATE SKIP LOCKED)SQL";

// $1 kind, $2 id, $3 now (the row is locked by the claim above).
inline constexpr const char* kMarkRevocationPublishedName = "auth.mark_revocation_published";
inline constexpr const char* kMarkRevocationPublished = R"SQL(
UPDATE revocations SET published_at = to_timestamp($3::bigint / 1000.0)
WHERE kind = $1 AND revoked_id = $2)SQL";

// Every revocation alive at $1, in key order after ($2, $3), at most $4 (republishing).
inline constexpr const char* kLiveRevocationsName = "auth.live_revocations";
inline constexpr const char* kLiveRevocations = R"SQL(
SELECT kind, revoked_id, (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms
FROM revocations
WHERE expires_at > to_timestamp($1::bigint / 1000.0) AND (kind, revoked_id) > ($2, $3)
ORDER BY kind, revoked_id
LIMIT $4)SQL";

// Revocations expired before $1: no token they concern can verify any more.
inline constexpr const char* kPurgeRevocationsName = "auth.purge_revocations";
inline constexpr const char* kPurgeRevocations = R"SQL(
DELETE FROM revocations WHERE expires_at < to_timestamp($1::bigint / 1000.0))SQL";

// ---- login history (LoginHistoryStore) ------------------------------------------------------

// $1 time, $2 user id, $3 sealed ip (bytea text), $4 user agent, $5 result, $6 reason,
// $7 session, $8 request id.
inline constexpr const char* kInsertLoginHistoryName = "auth.insert_login_history";
inline constexpr const char* kInsertLoginHistory = R"SQL(
INSERT INTO login_history (attempted_at, user_id, client_ip_sealed, user_agent, result, reason,
                           session_id, request_id)
VALUES (to_timestamp($1::bigint / 1000.0), $2, $3::bytea, $4, $5, $6, $7, $8))SQL";

inline constexpr const char* kCountLoginHistoryName = "auth.count_login_history";
inline constexpr const char* kCountLoginHistory = R"SQL(
SELECT count(*) AS total FROM login_history WHERE user_id = $1)SQL";

// $1 user, $2 limit, $3 offset; newest first.
inline constexpr const char* kPageLoginHistoryName = "auth.page_login_history";
inline constexpr const char* kPageLoginHistory = R"SQL(
SELECT (extract(epoch FROM attempted_at) * 1000)::bigint AS attempted_ms, user_id, client_ip,
       client_ip_sealed, request_id, user_agent, result, reason
FROM login_history WHERE user_id = $1
ORDER BY attempted_at DESC, id DESC
LIMIT $2 OFFSET $3)SQL";

// ---- permission-check log (PermissionCheckStore) ------------------------------------------

// Answers and logs one check in one statement: granted from the user's current
// permissions (false for a user that no longer exists).
// $1 user, $2 session, $3 service type, $4 request id, $5 now.
inline constexpr const char* kCheckPermissionName = "auth.check_permission";
inline constexpr const char* kCheckPermission = R"SQL(
INSERT INTO permission_checks (checked_at, user_id, session_id, service_type, granted, request_id)
SELECT to_timestamp($5::bigint / 1000.0), r.user_id, $2, $3,
       coalesce($3 = ANY (u.permissions), false), $4
FROM (SELECT $1::text AS user_id) r LEFT JOIN users u ON u.user_id = r.user_id
RETURNING granted)SQL";

// ---- the re-encryption pass (DataKeyPass) ----------------------------------------------------
// Each batch reads rows after a cursor that are not yet sealed under the current key ($2,
// its two id bytes as bytea: bytes 2-3 of a sealed value), then re-seals them one UPDATE
// each, guarded by the value it read (a row changed meanwhile is left for the next run).
// No transaction spans a batch; every UPDATE commits alone.

// $1 cursor (user id, '' to start), $2 current key id bytes, $3 batch size.
inline constexpr const char* kUsersToSealName = "auth.users_to_seal";
inline constexpr const char* kUsersToSeal = R"SQL(
SELECT user_id, user_name, user_name_sealed, line_number, line_number_sealed
FROM users
WHERE user_id > $1
  AND (user_name_sealed IS NULL OR line_number_sealed IS NULL OR line_index IS NULL
       OR substring(user_name_sealed FROM 2 FOR 2) <> $2::bytea
       OR substring(line_number_sealed FROM 2 FOR 2) <> $2::bytea)
ORDER BY user_id
LIMIT $3)SQL";

// $1 user, $2 sealed name, $3 sealed line, $4 line index, $5 / $6 the sealed name / line
// as read (NULL: the row was clear).
inline constexpr const char* kResealUserName = "auth.reseal_user";
inline constexpr const char* kResealUser = R"SQL(
UPDATE users
SET user_name = NULL, line_number = NULL, user_name_sealed = $2::bytea,
    line_number_sealed = $3::bytea, line_index = $4::bytea
WHERE user_id = $1
  AND user_name_sealed IS NOT DISTINCT FROM $5::bytea
  AND line_number_sealed IS NOT DISTINCT FROM $6::bytea)SQL";

// $1 cursor (id, 0 to start), $2 current key id bytes, $3 batch size. attempted_at as
// text finds the row's partition again exactly.
inline constexpr const char* kLoginsToSealName = "auth.logins_to_seal";
inline constexpr const char* kLoginsToSeal = R"SQL(
SELECT id, attempted_at::text AS attempted_at,
       (extract(epoch FROM attempted_at) * 1000)::bigint AS attempted_ms, user_id, request_id,
       client_ip, client_ip_sealed
FROM login_history
WHERE id > $1::bigint
  AND (client_ip_sealed IS NULL OR substring(client_ip_sealed FROM 2 FOR 2) <> $2::bytea)
ORDER BY id
LIMIT $3)SQL";

// $1 id, $2 attempted_at (text), $3 sealed ip, $4 the sealed ip as read (NULL: clear).
inline constexpr const char* kResealLoginName = "auth.reseal_login";
inline constexpr const char* kResealLogin = R"SQL(
UPDATE login_history SET client_ip = NULL, client_ip_sealed = $3::bytea
WHERE id = $1::bigint AND attempted_at = $2::timestamptz
  AND client_ip_sealed IS NOT DISTINCT FROM $4::bytea)SQL";

}  // namespace phonebill::auth::queries
