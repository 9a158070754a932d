// SessionStore in PostgreSQL: sessions, refresh-token rotation in one transaction, and
// session ends written with their outbox revocations in the same statement.
#include "pg_session_store.hpp"

#include "queries.hpp"

namespace phonebill::auth {

using storage::pg_params;

namespace {

RefreshTokenRecord token_record_of(const storage::PgRows& rows) {
  RefreshTokenRecord token;
  token.rotated = rows.boolean(0, "rotated");
  auto& session = token.session;
  session.session_id = std::string{rows.text(0, "session_id")};
  session.user_id = std::string{rows.text(0, "user_id")};
  session.auto_login = rows.boolean(0, "auto_login");
  session.revoked = rows.boolean(0, "revoked");
  session.created_at = from_epoch_ms(rows.int64(0, "created_ms"));
  session.last_used_at = from_epoch_ms(rows.int64(0, "last_used_ms"));
  session.expires_at = from_epoch_ms(rows.int64(0, "expires_ms"));
  session.current_token_id = std::string{rows.text(0, "current_jti")};
  session.current_token_expires_at = from_epoch_ms(rows.int64(0, "current_jti_expires_ms"));
  return token;
}

PgResult<SessionOwner> owner_of(const storage::PgRows& rows, const SealedFields& fields) {
  SessionOwner owner;
  owner.customer_id = std::string{rows.text(0, "customer_id")};
  auto line =
      fields.read(rows, 0, "line_number", kLineNumberField, std::string{rows.text(0, "user_id")});
  if (!line) return line.error();
  owner.line_number = std::move(*line);
  owner.permissions = split_permissions(rows.text(0, "permissions"));
  return owner;
}

}  // namespace

PgSessionStore::PgSessionStore(storage::PgPool& pool, const SealedFields& fields)
    : pool_(pool), fields_(fields) {}

void PgSessionStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kCreateSessionName, queries::kCreateSession);
  pool.register_statement(queries::kLockRefreshTokenName, queries::kLockRefreshToken);
  pool.register_statement(queries::kRotateRefreshTokenName, queries::kRotateRefreshToken);
  pool.register_statement(queries::kRevokeSessionName, queries::kRevokeSession);
  pool.register_statement(queries::kSetPermissionsEndingSessionsName,
                          queries::kSetPermissionsEndingSessions);
  pool.register_statement(queries::kPurgeSessionsName, queries::kPurgeSessions);
}

boost::asio::awaitable<PgResult<void>> PgSessionStore::create_session(NewSession session,
                                                                      Deadline deadline) {
  auto parameters = pg_params(
      session.session_id, session.user_id, session.auto_login, to_epoch_ms(session.created_at),
      to_epoch_ms(session.expires_at), session.token_id, to_epoch_ms(session.token_expires_at),
      fields_.seal(kSessionClientIpField, session.session_id, session.client_ip),
      session.user_agent, session.refresh_token_hash);
  auto rows = co_await pool_.execute(queries::kCreateSessionName, std::move(parameters), deadline);
  if (!rows) co_return rows.error();
  co_return PgResult<void>{};
}

boost::asio::awaitable<PgResult<RefreshOutcome>> PgSessionStore::refresh(
    std::string presented_hash, std::string new_hash, SessionPolicy policy, SystemTime now,
    SystemTime revoke_until, IssueAccess issue, Deadline deadline) {
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) co_return lease.error();
  auto& connection = *lease;
  if (auto begun = co_await connection.begin(deadline); !begun) co_return begun.error();
  auto found = co_await connection.execute(queries::kLockRefreshTokenName,
                                           pg_params(presented_hash), deadline);
  if (!found) co_return found.error();

  RefreshOutcome outcome;
  if (!found->empty()) outcome.token = token_record_of(*found);
  outcome.decision = decide_refresh(outcome.token, policy, now);

  if (outcome.decision == RefreshDecision::kRotate) {
    auto& session = outcome.token->session;
    auto owner = owner_of(*found, fields_);
    if (!owner) co_return owner.error();  // rolled back with the lease
    auto issued = issue(session, std::move(*owner));
    auto rotated = co_await connection.execute(
        queries::kRotateRefreshTokenName,
        pg_params(presented_hash, new_hash, session.session_id, to_epoch_ms(now), issued.token_id,
                  to_epoch_ms(issued.expires_at)),
        deadline);
    if (!rotated) co_return rotated.error();
    session.last_used_at = now;
    session.current_token_id = issued.token_id;
    session.current_token_expires_at = issued.expires_at;
  } else if (outcome.decision == RefreshDecision::kReused) {
    auto ended = co_await connection.execute(
        queries::kRevokeSessionName,
        pg_params(outcome.token->session.session_id, "REFRESH_TOKEN_REUSED", to_epoch_ms(now),
                  to_epoch_ms(revoke_until), std::nullopt, std::nullopt),
        deadline);
    if (!ended) co_return ended.error();
    outcome.newly_revoked = !ended->empty() && ended->boolean(0, "newly_revoked");
  } else {
    if (auto done = co_await connection.rollback(deadline); !done) co_return done.error();
    co_return outcome;
  }
  if (auto committed = co_await connection.commit(deadline); !committed)
    co_return committed.error();
  co_return outcome;
}

boost::asio::awaitable<PgResult<std::optional<EndedSession>>> PgSessionStore::revoke_session(
    std::string session_id, std::string reason, SystemTime now, SystemTime session_until,
    std::optional<Revocation> token, Deadline deadline) {
  std::optional<std::string> token_id;
  std::optional<std::int64_t> token_until;
  if (token && token->kind == security::RevocationKind::kToken && !token->id.empty()) {
    token_id = token->id;
    token_until = to_epoch_ms(token->until);
  }
  auto rows = co_await pool_.execute(queries::kRevokeSessionName,
                                     pg_params(session_id, reason, to_epoch_ms(now),
                                               to_epoch_ms(session_until), token_id, token_until),
                                     deadline);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<EndedSession>{};
  EndedSession ended;
  ended.session_id = session_id;
  ended.user_id = std::string{rows->text(0, "user_id")};
  ended.current_token_id = std::string{rows->text(0, "current_jti")};
  ended.current_token_expires_at = from_epoch_ms(rows->int64(0, "current_jti_expires_ms"));
  ended.newly_revoked = rows->boolean(0, "newly_revoked");
  co_return std::optional<EndedSession>{std::move(ended)};
}

boost::asio::awaitable<PgResult<std::optional<std::vector<EndedSession>>>>
PgSessionStore::set_permissions_ending_sessions(std::string user_id,
                                                std::vector<std::string> permissions,
                                                std::string reason, SystemTime now,
                                                SystemTime session_until, Deadline deadline) {
  auto rows =
      co_await pool_.execute(queries::kSetPermissionsEndingSessionsName,
                             pg_params(user_id, reason, to_epoch_ms(now),
                                       to_epoch_ms(session_until), to_array_literal(permissions)),
                             deadline);
  if (!rows) co_return rows.error();
  if (rows->row_count() == 0 || rows->int64(0, "found") == 0)
    co_return std::optional<std::vector<EndedSession>>{};
  std::vector<EndedSession> sessions;
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    if (rows->is_null(row, "session_id")) continue;  // the user had no live session
    EndedSession ended;
    ended.session_id = std::string{rows->text(row, "session_id")};
    ended.user_id = user_id;
    ended.current_token_id = std::string{rows->text(row, "current_jti")};
    ended.current_token_expires_at = from_epoch_ms(rows->int64(row, "current_jti_expires_ms"));
    ended.newly_revoked = true;
    sessions.push_back(std::move(ended));
  }
  co_return sessions;
}

boost::asio::awaitable<PgResult<std::uint64_t>> PgSessionStore::purge(SystemTime ended_before,
                                                                      Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kPurgeSessionsName,
                                     pg_params(to_epoch_ms(ended_before)), deadline);
  if (!rows) co_return rows.error();
  co_return rows->affected_rows();
}

}  // namespace phonebill::auth
