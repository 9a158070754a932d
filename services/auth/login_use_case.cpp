// AuthService::login: the credential check under the lockout rules (SPEC §3), in steps —
// reserve an attempt, check the password, refuse or start the session — each attempt
// written to the login history. Never logs passwords or tokens (SPEC §10).
#include "auth_service.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "security/random_token.hpp"
#include "security/token_signer.hpp"

namespace phonebill::auth {

namespace asio = boost::asio;

namespace {

LoginRefusal login_refusal(Refusal<AuthStatus> refusal, int remaining_attempts = 0,
                           std::optional<SystemTime> locked_until = std::nullopt) {
  LoginRefusal login;
  static_cast<Refusal<AuthStatus>&>(login) = std::move(refusal);
  login.remaining_attempts = remaining_attempts;
  login.locked_until = locked_until;
  return login;
}

// The ids of the request a log line is about (requestId, traceId, spanId).
boost::json::object request_fields(const ClientInfo& client) {
  return log::request_log_fields(client.request_id, client.traceparent);
}

}  // namespace

asio::awaitable<LoginOutcome<LoginResult>> AuthService::login(LoginRequest request,
                                                              ClientInfo client,
                                                              Deadline deadline) {
  // Refuse before counting: an attempt that cannot be checked must not cost a try.
  if (parts_.passwords.busy()) co_return login_refusal(hasher_refusal(PasswordError::kBusy));

  auto reserved = co_await parts_.users.reserve_login_attempt(request.user_id, parts_.lockout,
                                                              parts_.clock.now(), deadline);
  if (!reserved)
    co_return login_refusal(storage_refusal("reserve_login_attempt", reserved.error()));
  const auto& reservation = reserved->reservation;
  if (reservation.kind == ReservationKind::kLocked) {
    co_await record_attempt(request, client, LoginReason::kLocked, std::nullopt, deadline);
    log::info("login_refused_locked", request_fields(client));
    co_return login_refusal(refuse(AuthStatus::kAccountLocked), 0, reservation.locked_until);
  }
  co_return co_await check_password(request, client, std::move(*reserved), deadline);
}

asio::awaitable<LoginOutcome<LoginResult>> AuthService::check_password(const LoginRequest& request,
                                                                       const ClientInfo& client,
                                                                       LoginReservation reserved,
                                                                       Deadline deadline) {
  // Unknown ids cost one Argon2id verification too (the dummy hash).
  boost::system::result<PasswordCheck, PasswordError> check;
  if (reserved.user) {
    check = co_await parts_.passwords.verify(request.password, reserved.password_hash);
  } else {
    check = co_await parts_.passwords.verify_unknown_user(request.password);
  }
  if (!check) {
    co_await release_unchecked_attempt(request, client, reserved.reservation, deadline);
    co_return login_refusal(hasher_refusal(check.error()));
  }
  if (!check->matches)
    co_return co_await refuse_wrong_password(request, client, reserved.reservation, deadline);
  if (check->needs_rehash) co_await store_new_hash(request, deadline);
  co_return co_await start_session(request, client, std::move(*reserved.user), deadline);
}

asio::awaitable<void> AuthService::release_unchecked_attempt(const LoginRequest& request,
                                                             const ClientInfo& client,
                                                             const Reservation& reservation,
                                                             Deadline deadline) {
  // The password was never checked (queue full since the test in login, or shutting
  // down): the attempt must not count, or a flood of 503s would lock the real user.
  auto released = co_await parts_.users.release_login_attempt(request.user_id, reservation,
                                                              parts_.clock.now(), deadline);
  if (!released) {
    auto fields = request_fields(client);
    fields["error"] = storage::describe(released.error());
    log::error("login_attempt_release_failed", std::move(fields));
  }
}

asio::awaitable<LoginRefusal> AuthService::refuse_wrong_password(const LoginRequest& request,
                                                                 const ClientInfo& client,
                                                                 const Reservation& reservation,
                                                                 Deadline deadline) {
  auto failure = failure_outcome(reservation, parts_.lockout);
  if (failure.kind == FailureKind::kLockedNow) {
    co_await record_attempt(request, client, LoginReason::kAccountLocked, std::nullopt, deadline);
    auto fields = request_fields(client);
    fields["attempt"] = reservation.attempt_number;
    log::warn("login_locked_account", std::move(fields));
    co_return login_refusal(refuse(AuthStatus::kAccountLockedNow), 0, failure.locked_until);
  }
  co_await record_attempt(request, client, LoginReason::kInvalidCredentials, std::nullopt,
                          deadline);
  auto fields = request_fields(client);
  fields["attempt"] = reservation.attempt_number;
  log::info("login_failed", std::move(fields));
  co_return login_refusal(refuse(AuthStatus::kInvalidCredentials), failure.remaining_attempts);
}

asio::awaitable<void> AuthService::store_new_hash(const LoginRequest& request, Deadline deadline) {
  // Parameters were raised since this hash was made: store a new one (best effort).
  auto rehashed = co_await parts_.passwords.hash(request.password);
  if (!rehashed) co_return;
  auto updated =
      co_await parts_.users.update_password_hash(request.user_id, std::move(*rehashed), deadline);
  if (!updated) log::warn("rehash_store_failed", {{"error", storage::describe(updated.error())}});
}

asio::awaitable<LoginOutcome<LoginResult>> AuthService::start_session(const LoginRequest& request,
                                                                      const ClientInfo& client,
                                                                      UserRecord user,
                                                                      Deadline deadline) {
  auto now = parts_.clock.now();
  auto recorded = co_await parts_.users.record_login_success(user.user_id, now, deadline);
  if (!recorded) co_return login_refusal(storage_refusal("record_login_success", recorded.error()));
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
  tokens.access_lifetime = access_lifetime();

  NewSession session;
  session.session_id = tokens.session_id;
  session.user_id = user.user_id;
  session.auto_login = request.auto_login;
  session.created_at = now;
  session.expires_at = absolute_expiry(now, parts_.session_policy);
  session.token_id = access.token_id;
  session.token_expires_at = access.expires_at;
  session.client_ip = client.client_ip;
  session.user_agent = client.user_agent;
  session.refresh_token_hash = security::refresh_token_hash(tokens.refresh_token);
  auto created = co_await parts_.sessions.create_session(session, deadline);
  if (!created) co_return login_refusal(storage_refusal("create_session", created.error()));
  SessionRecord record;
  record.auto_login = session.auto_login;
  record.created_at = now;
  record.last_used_at = now;
  record.expires_at = session.expires_at;
  tokens.refresh_expires_at = session_expiry(record, parts_.session_policy);

  co_await record_attempt(request, client, LoginReason::kSuccess, tokens.session_id, deadline);
  auto fields = request_fields(client);
  fields["userId"] = user.user_id;
  fields["autoLogin"] = request.auto_login;
  log::info("login_succeeded", std::move(fields));
  result.user = std::move(user);
  co_return result;
}

}  // namespace phonebill::auth
