// AuthService's session use cases after login: refresh-token rotation with reuse
// detection and logout; and what every use case shares (the refusals for a broken
// database or hasher, signing, the login-history record). See auth_service.hpp for the
// contracts and docs/auth.md for the rules. Never logs passwords or tokens (SPEC §10).
#include "auth_service.hpp"

#include "core/log.hpp"
#include "core/request_log.hpp"
#include "security/random_token.hpp"
#include "security/token_signer.hpp"

namespace phonebill::auth {

namespace asio = boost::asio;

Refusal<AuthStatus> storage_refusal(std::string_view operation, const storage::PgError& error) {
  log::error("database_failed", {{"operation", operation}, {"error", storage::describe(error)}});
  bool unavailable = error.kind == storage::PgErrorKind::kTimeout ||
                     error.kind == storage::PgErrorKind::kConnection ||
                     error.kind == storage::PgErrorKind::kCancelled;
  return refuse(unavailable ? AuthStatus::kStorageUnavailable : AuthStatus::kInternal);
}

Refusal<AuthStatus> hasher_refusal(PasswordError error) {
  log::warn("password_hasher_failed", {{"error", security::to_string(error)}});
  return refuse(error == PasswordError::kFailed ? AuthStatus::kInternal : AuthStatus::kHasherBusy);
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

std::chrono::seconds AuthService::access_lifetime() const {
  return parts_.signer.options().lifetime;
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
    auto fields = log::request_log_fields(client.request_id, client.traceparent);
    fields["error"] = storage::describe(recorded.error());
    log::error("login_history_failed", std::move(fields));
  }
}

asio::awaitable<AuthResult<IssuedTokens>> AuthService::refresh(RefreshRequest request,
                                                               RequestInfo info) {
  const Deadline deadline = info.deadline;
  IssuedTokens tokens;
  tokens.refresh_token = security::generate_refresh_token();
  std::optional<security::SignedToken> access;
  IssueAccess issue = [&](const SessionRecord& session, const SessionOwner& owner) {
    access = sign_for(session.user_id, session.session_id, owner.customer_id, owner.line_number,
                      owner.permissions);
    return IssuedAccess{access->token_id, access->expires_at};
  };
  auto now = parts_.clock.now();
  auto outcome = co_await parts_.sessions.refresh(
      security::refresh_token_hash(request.refresh_token),
      security::refresh_token_hash(tokens.refresh_token), parts_.session_policy, now,
      parts_.revoker.session_until(), issue, deadline);
  if (!outcome) co_return storage_refusal("refresh", outcome.error());

  switch (outcome->decision) {
    case RefreshDecision::kRotate: {
      const auto& session = outcome->token->session;
      tokens.session_id = session.session_id;
      tokens.access_token = std::move(access->token);
      tokens.access_expires_at = access->expires_at;
      tokens.access_lifetime = access_lifetime();
      tokens.refresh_expires_at = session_expiry(session, parts_.session_policy);
      log::info("token_refreshed", log::request_log_fields(info, {{"userId", session.user_id}}));
      co_return tokens;
    }
    case RefreshDecision::kReused: {
      const auto& session = outcome->token->session;
      log::warn("refresh_token_reused",
                log::request_log_fields(
                    info, {{"userId", session.user_id}, {"sessionEnded", outcome->newly_revoked}}));
      // Committed with the session's end (the outbox); Redis gets it when it can.
      parts_.revoker.committed({Revocation{security::RevocationKind::kSession, session.session_id,
                                           parts_.revoker.session_until()}});
      co_return refuse(AuthStatus::kRefreshTokenReused);
    }
    case RefreshDecision::kRevoked:
      co_return refuse(AuthStatus::kSessionRevoked);
    case RefreshDecision::kExpired:
      co_return refuse(AuthStatus::kSessionExpired);
    case RefreshDecision::kUnknown:
      break;
  }
  log::info("refresh_token_unknown", log::request_log_fields(info));
  co_return refuse(AuthStatus::kInvalidRefreshToken);
}

asio::awaitable<AuthResult<void>> AuthService::logout(Caller caller, RequestInfo info) {
  const Deadline deadline = info.deadline;
  // The presented token and its whole session. Both are committed to the outbox with
  // the session's end, so the answer can be 200 even while Redis is down: the publisher
  // carries them to every verifier as soon as Redis is back (SPEC §3).
  std::vector<Revocation> revocations{Revocation{security::RevocationKind::kSession,
                                                 caller.session_id, parts_.revoker.session_until()},
                                      Revocation{security::RevocationKind::kToken, caller.token_id,
                                                 parts_.revoker.token_until(caller.expires_at)}};
  auto ended =
      co_await parts_.sessions.revoke_session(caller.session_id, "LOGOUT", parts_.clock.now(),
                                              revocations[0].until, revocations[1], deadline);
  if (!ended) co_return storage_refusal("revoke_session", ended.error());
  parts_.revoker.committed(revocations);
  log::info("logout", log::request_log_fields(info, {{"userId", caller.user_id}}));
  co_return AuthResult<void>{};
}

}  // namespace phonebill::auth
