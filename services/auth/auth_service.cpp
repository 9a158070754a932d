// AuthService's session use cases: login under the lockout rules, refresh-token
// rotation with reuse detection, logout. See auth_service.hpp for the contracts and
// docs/auth.md for the rules. Never logs passwords or tokens (SPEC §10).
#include "auth_service.hpp"

#include <stdexcept>

#include "auth_errors.hpp"
#include "core/log.hpp"
#include "core/seoul_time.hpp"
#include "security/random_token.hpp"

namespace phonebill::auth {

namespace asio = boost::asio;

Failure database_failure(std::string_view operation, const storage::PgError& error) {
  log::error("database_failed", {{"operation", operation}, {"error", storage::describe(error)}});
  bool unavailable = error.kind == storage::PgErrorKind::kTimeout ||
                     error.kind == storage::PgErrorKind::kConnection ||
                     error.kind == storage::PgErrorKind::kCancelled;
  return Failure{http::common_error(unavailable ? http::CommonError::kServiceUnavailable
                                                : http::CommonError::kInternalError)};
}

Failure hasher_failure(security::PasswordError error) {
  log::warn("password_hasher_failed", {{"error", security::to_string(error)}});
  return Failure{http::common_error(error == security::PasswordError::kFailed
                                        ? http::CommonError::kInternalError
                                        : http::CommonError::kServiceUnavailable)};
}

security::SignedToken AuthService::sign_for(const std::string& user_id,
                                            const std::string& session_id,
                                            const std::string& customer_id,
                                            const std::string& line_number,
                                            const std::vector<std::string>& permissions) const {
  security::AccessTokenClaims claims;
  claims.user_id = user_id;
  claims.session_id = session_id;
  claims.customer_id = customer_id;
  claims.line_number = line_number;
  claims.permissions = permissions;
  return parts_.signer.sign(claims);
}

asio::awaitable<void> AuthService::record_attempt(const LoginRequest& request,
                                                  const ClientInfo& client, LoginReason reason,
                                                  std::optional<std::string> session_id,
                                                  Deadline deadline) {
  LoginHistoryEntry entry;
  entry.attempted_at = parts_.clock.now();
  entry.user_id = request.user_id;
  entry.client_ip = client.client_ip;
  entry.user_agent = client.user_agent;
  entry.reason = reason;
  entry.session_id = std::move(session_id);
  entry.request_id = client.request_id;
  // The answer does not wait on history being writable: a failure here is logged only.
  auto recorded = co_await parts_.history.record(std::move(entry), deadline);
  if (!recorded) {
    log::error("login_history_failed",
               {{"requestId", client.request_id}, {"error", storage::describe(recorded.error())}});
  }
}

asio::awaitable<Outcome<LoginResult>> AuthService::login(LoginRequest request, ClientInfo client,
                                                         Deadline deadline) {
  auto& parts = parts_;
  // Refuse before counting: an attempt that cannot be checked must not cost a try.
  const auto& hashing = parts.passwords.options();
  if (parts.passwords.jobs_in_flight() >= hashing.threads + hashing.queue_limit)
    co_return hasher_failure(security::PasswordError::kBusy);

  auto reserved = co_await parts.users.reserve_login_attempt(request.user_id, parts.lockout,
                                                             parts.clock.now(), deadline);
  if (!reserved) co_return database_failure("reserve_login_attempt", reserved.error());
  const auto& reservation = reserved->reservation;
  if (reservation.kind == ReservationKind::kLocked) {
    co_await record_attempt(request, client, LoginReason::kLocked, std::nullopt, deadline);
    log::info("login_refused_locked", {{"requestId", client.request_id}});
    co_return Failure{
        auth_error(AuthError::kAccountLocked,
                   boost::json::object{{"lockedUntil", iso8601_seoul(*reservation.locked_until)}})};
  }

  // Unknown ids cost one Argon2id verification too (the dummy hash).
  boost::system::result<security::PasswordCheck, security::PasswordError> check;
  if (reserved->user) {
    check = co_await parts.passwords.verify(request.password, reserved->password_hash);
  } else {
    check = co_await parts.passwords.verify_unknown_user(request.password);
  }
  if (!check) {
    // The password was never checked (queue full since the test above, or shutting
    // down): the attempt must not count, or a flood of 503s would lock the real user.
    auto released = co_await parts.users.release_login_attempt(request.user_id, reservation,
                                                               parts.clock.now(), deadline);
    if (!released)
      log::error("login_attempt_release_failed", {{"requestId", client.request_id},
                                                  {"error", storage::describe(released.error())}});
    co_return hasher_failure(check.error());
  }

  if (!check->matches) {
    auto failure = failure_outcome(reservation, parts.lockout);
    bool locked_now = failure.kind == FailureKind::kLockedNow;
    co_await record_attempt(
        request, client,
        locked_now ? LoginReason::kAccountLocked : LoginReason::kInvalidCredentials, std::nullopt,
        deadline);
    if (locked_now) {
      log::warn("login_locked_account",
                {{"requestId", client.request_id}, {"attempt", reservation.attempt_number}});
      co_return Failure{
          auth_error(AuthError::kAccountLockedNow,
                     boost::json::object{{"remainingAttempts", 0},
                                         {"lockedUntil", iso8601_seoul(*failure.locked_until)}})};
    }
    log::info("login_failed",
              {{"requestId", client.request_id}, {"attempt", reservation.attempt_number}});
    co_return Failure{
        auth_error(AuthError::kInvalidCredentials,
                   boost::json::object{{"remainingAttempts", failure.remaining_attempts}})};
  }

  if (check->needs_rehash) {
    // Parameters were raised since this hash was made: store a new one (best effort).
    auto rehashed = co_await parts.passwords.hash(request.password);
    if (rehashed) {
      auto updated = co_await parts.users.update_password_hash(request.user_id,
                                                               std::move(*rehashed), deadline);
      if (!updated)
        log::warn("rehash_store_failed", {{"error", storage::describe(updated.error())}});
    }
  }
  auto user = std::move(*reserved->user);
  co_return co_await start_session(request, client, std::move(user), deadline);
}

asio::awaitable<Outcome<LoginResult>> AuthService::start_session(const LoginRequest& request,
                                                                 const ClientInfo& client,
                                                                 UserRecord user,
                                                                 Deadline deadline) {
  auto& parts = parts_;
  auto now = parts.clock.now();
  auto recorded = co_await parts.users.record_login_success(user.user_id, now, deadline);
  if (!recorded) co_return database_failure("record_login_success", recorded.error());
  user.last_login_at = *recorded;
  user.attempts = state_after_success();

  LoginResult result;
  auto& tokens = result.tokens;
  tokens.session_id = security::generate_token_id();
  tokens.refresh_token = security::generate_refresh_token();
  auto access = sign_for(user.user_id, tokens.session_id, user.customer_id, user.line_number,
                         user.permissions);
  tokens.access_token = std::move(access.token);
  tokens.access_expires_at = access.expires_at;
  tokens.access_lifetime = parts.signer.options().lifetime;

  NewSession session;
  session.session_id = tokens.session_id;
  session.user_id = user.user_id;
  session.auto_login = request.auto_login;
  session.created_at = now;
  session.expires_at = absolute_expiry(now, parts.session_policy);
  session.token_id = access.token_id;
  session.token_expires_at = access.expires_at;
  session.client_ip = client.client_ip;
  session.user_agent = client.user_agent;
  session.refresh_token_hash = security::refresh_token_hash(tokens.refresh_token);
  auto created = co_await parts.sessions.create_session(session, deadline);
  if (!created) co_return database_failure("create_session", created.error());

  SessionRecord record;
  record.auto_login = session.auto_login;
  record.created_at = now;
  record.last_used_at = now;
  record.expires_at = session.expires_at;
  tokens.refresh_expires_at = session_expiry(record, parts.session_policy);

  co_await record_attempt(request, client, LoginReason::kSuccess, tokens.session_id, deadline);
  log::info("login_succeeded", {{"requestId", client.request_id},
                                {"userId", user.user_id},
                                {"autoLogin", request.auto_login}});
  result.user = std::move(user);
  co_return result;
}

asio::awaitable<Outcome<IssuedTokens>> AuthService::refresh(RefreshRequest request,
                                                            Deadline deadline) {
  auto& parts = parts_;
  IssuedTokens tokens;
  tokens.refresh_token = security::generate_refresh_token();
  std::optional<security::SignedToken> access;
  IssueAccess issue = [&](const SessionRecord& session, const SessionOwner& owner) {
    access = sign_for(session.user_id, session.session_id, owner.customer_id, owner.line_number,
                      owner.permissions);
    return IssuedAccess{access->token_id, access->expires_at};
  };
  auto now = parts.clock.now();
  auto outcome = co_await parts.sessions.refresh(
      security::refresh_token_hash(request.refresh_token),
      security::refresh_token_hash(tokens.refresh_token), parts.session_policy, now,
      parts.revoker.session_until(), issue, deadline);
  if (!outcome) co_return database_failure("refresh", outcome.error());

  switch (outcome->decision) {
    case RefreshDecision::kRotate: {
      const auto& session = outcome->token->session;
      tokens.session_id = session.session_id;
      tokens.access_token = std::move(access->token);
      tokens.access_expires_at = access->expires_at;
      tokens.access_lifetime = parts.signer.options().lifetime;
      tokens.refresh_expires_at = session_expiry(session, parts.session_policy);
      log::info("token_refreshed", {{"userId", session.user_id}});
      co_return tokens;
    }
    case RefreshDecision::kReused: {
      const auto& session = outcome->token->session;
      log::warn("refresh_token_reused",
                {{"userId", session.user_id}, {"sessionEnded", outcome->newly_revoked}});
      // Committed with the session's end (the outbox); Redis gets it when it can.
      parts.revoker.committed({Revocation{security::RevocationKind::kSession, session.session_id,
                                          parts.revoker.session_until()}});
      co_return Failure{auth_error(AuthError::kRefreshTokenReused)};
    }
    case RefreshDecision::kRevoked:
      co_return Failure{auth_error(AuthError::kSessionRevoked)};
    case RefreshDecision::kExpired:
      co_return Failure{auth_error(AuthError::kSessionExpired)};
    case RefreshDecision::kUnknown:
      break;
  }
  log::info("refresh_token_unknown");
  co_return Failure{auth_error(AuthError::kInvalidRefreshToken)};
}

asio::awaitable<Outcome<void>> AuthService::logout(security::VerifiedToken caller,
                                                   Deadline deadline) {
  auto& parts = parts_;
  // The presented token and its whole session. Both are committed to the outbox with
  // the session's end, so the answer can be 200 even while Redis is down: the publisher
  // carries them to every verifier as soon as Redis is back (SPEC §3).
  std::vector<Revocation> revocations{Revocation{security::RevocationKind::kSession,
                                                 caller.session_id, parts.revoker.session_until()},
                                      Revocation{security::RevocationKind::kToken, caller.token_id,
                                                 parts.revoker.token_until(caller.expires_at)}};
  auto ended =
      co_await parts.sessions.revoke_session(caller.session_id, "LOGOUT", parts.clock.now(),
                                             revocations[0].until, revocations[1], deadline);
  if (!ended) co_return database_failure("revoke_session", ended.error());
  parts.revoker.committed(revocations);
  log::info("logout", {{"userId", caller.user_id}});
  co_return Outcome<void>{};
}

}  // namespace phonebill::auth
