// auth's use cases (SPEC §3) over its stores, the password hasher, the token signer and
// the session revoker: login, refresh, logout, the caller's own account views and the
// admin actions. Coroutines, but no HTTP: handlers parse and shape, this decides.
// Failures come back as values carrying the SPEC §2 answer (Failure). Files: login,
// refresh, logout in auth_service.cpp; the rest in account_service.cpp.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <vector>

#include "auth_requests.hpp"
#include "core/clock.hpp"
#include "http/api_error.hpp"
#include "http/outcome.hpp"
#include "lockout_rules.hpp"
#include "login_history_store.hpp"
#include "permission_check_store.hpp"
#include "revocation_store.hpp"
#include "security/access_token.hpp"
#include "security/password_hasher.hpp"
#include "security/token_signer.hpp"
#include "session_revoker.hpp"
#include "session_rules.hpp"
#include "session_store.hpp"
#include "user_store.hpp"

namespace phonebill::auth {

// A failed use case: the answer to give (the detail for the log was logged already).
using http::Failure;
using http::Outcome;

// Who is calling, for the login history.
struct ClientInfo {
  std::string client_ip;
  std::string user_agent;
  std::string request_id;
};

// A fresh token pair (login or refresh). Never log the token fields.
struct IssuedTokens {
  std::string access_token;
  SystemTime access_expires_at;
  // The configured access-token lifetime: what `expiresIn` says (SPEC §3), not the
  // seconds left by the time the answer is written.
  std::chrono::seconds access_lifetime{0};
  std::string refresh_token;
  SystemTime refresh_expires_at;  // the session's end if it is not refreshed before
  std::string session_id;
};

struct LoginResult {
  IssuedTokens tokens;
  UserRecord user;
};

struct AuthServiceParts {
  UserStore& users;
  SessionStore& sessions;
  LoginHistoryStore& history;
  PermissionCheckStore& checks;
  RevocationStore& revocations;  // the outbox (housekeeping deletes expired rows)
  security::PasswordHasher& passwords;
  const security::TokenSigner& signer;
  SessionRevoker& revoker;
  const Clock& clock;
  LockoutPolicy lockout;
  SessionPolicy session_policy;
};

class AuthService {
 public:
  explicit AuthService(AuthServiceParts parts) : parts_(parts) {}

  // ---- sessions (auth_service.cpp) ----
  // Checks the credentials under the lockout rules; AUTH_001 / AUTH_002 / AUTH_003, or
  // a session with its first token pair. Every outcome is written to the login history.
  boost::asio::awaitable<Outcome<LoginResult>> login(LoginRequest request, ClientInfo client,
                                                     Deadline deadline);
  // Rotates a refresh token; reuse ends the session everywhere (REFRESH_TOKEN_REUSED).
  boost::asio::awaitable<Outcome<IssuedTokens>> refresh(RefreshRequest request, Deadline deadline);
  // Ends the caller's session: its tokens stop working on every instance.
  boost::asio::awaitable<Outcome<void>> logout(security::VerifiedToken caller, Deadline deadline);

  // ---- account views and admin actions (account_service.cpp) ----
  boost::asio::awaitable<Outcome<UserRecord>> find_user(std::string user_id, Deadline deadline);
  // Whether the user holds `service_type` now; the check is logged.
  boost::asio::awaitable<Outcome<bool>> check_permission(security::VerifiedToken caller,
                                                         std::string service_type,
                                                         std::string request_id, Deadline deadline);
  boost::asio::awaitable<Outcome<LoginHistoryPage>> login_history(std::string user_id,
                                                                  std::int64_t page,
                                                                  std::int64_t size,
                                                                  Deadline deadline);
  // 409 USER_ALREADY_EXISTS for a taken id.
  boost::asio::awaitable<Outcome<UserRecord>> create_user(CreateUserRequest request,
                                                          Deadline deadline);
  // Replaces the permissions and ends the user's sessions (new tokens carry the new set).
  boost::asio::awaitable<Outcome<UserRecord>> set_permissions(std::string user_id,
                                                              std::vector<std::string> permissions,
                                                              Deadline deadline);
  boost::asio::awaitable<Outcome<UserRecord>> unlock(std::string user_id, Deadline deadline);

  // Creates `request`'s user unless the id exists (start-up demo data). False if it existed.
  boost::asio::awaitable<Outcome<bool>> ensure_user(CreateUserRequest request, Deadline deadline);
  // Deletes sessions, counters and revocations that can no longer matter (housekeeping).
  boost::asio::awaitable<void> purge_expired(Deadline deadline);

  const LockoutPolicy& lockout() const { return parts_.lockout; }
  const SessionPolicy& session_policy() const { return parts_.session_policy; }
  SystemTime now() const { return parts_.clock.now(); }

 private:
  boost::asio::awaitable<Outcome<LoginResult>> start_session(const LoginRequest& request,
                                                             const ClientInfo& client,
                                                             UserRecord user, Deadline deadline);
  boost::asio::awaitable<void> record_attempt(const LoginRequest& request, const ClientInfo& client,
                                              LoginReason reason,
                                              std::optional<std::string> session_id,
                                              Deadline deadline);
  security::SignedToken sign_for(const std::string& user_id, const std::string& session_id,
                                 const std::string& customer_id, const std::string& line_number,
                                 const std::vector<std::string>& permissions) const;

  AuthServiceParts parts_;
};

// The Failure for a database error: 503 when the database is unreachable or slow, 500
// otherwise; the detail is logged with `operation`.
Failure database_failure(std::string_view operation, const storage::PgError& error);
// The Failure for a password-hasher error: 503 (busy or shutting down) or 500.
Failure hasher_failure(security::PasswordError error);

}  // namespace phonebill::auth
