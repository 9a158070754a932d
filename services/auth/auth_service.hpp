// auth's use cases (SPEC §3) over roles: the stores, the password hashing, the token
// signer, the session revoker and the clock. Coroutines, but no HTTP: handlers parse and
// render, this decides. A refusal comes back as an AuthStatus value (auth_status.hpp);
// the detail of a broken part is logged here. Files: login in login_use_case.cpp,
// refresh and logout in auth_service.cpp, the rest in account_service.cpp.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_inputs.hpp"
#include "auth_status.hpp"
#include "core/clock.hpp"
#include "core/request_info.hpp"
#include "lockout_rules.hpp"
#include "login_history_store.hpp"
#include "password_hashing.hpp"
#include "permission_check_store.hpp"
#include "revocation_store.hpp"
#include "session_revoker.hpp"
#include "session_rules.hpp"
#include "session_store.hpp"
#include "storage/pg_result.hpp"
#include "user_store.hpp"

namespace phonebill::security {
class TokenSigner;
struct SignedToken;
}  // namespace phonebill::security

namespace phonebill::auth {

// The verified caller of a bearer route, as the use cases need it (the handler copies it
// from the access token).
struct Caller {
  std::string user_id;
  std::string session_id;
  std::string token_id;   // jti
  SystemTime expires_at;  // exp
};

// Who is calling, for the login history.
struct ClientInfo {
  std::string client_ip;
  std::string user_agent;
  std::string request_id;
  std::string traceparent;  // for the log lines about this request (traceId, spanId)
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
  PasswordHashing& passwords;
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
  // Checks the credentials under the lockout rules; kInvalidCredentials / kAccountLockedNow /
  // kAccountLocked, or a session with its first token pair (LoginRefusal carries the lockout
  // facts). Every outcome is written to the login history.
  boost::asio::awaitable<LoginOutcome<LoginResult>> login(LoginRequest request, ClientInfo client,
                                                          Deadline deadline);
  // Rotates a refresh token; reuse ends the session everywhere (kRefreshTokenReused).
  // (`info`, here and below: the request served — its ids for the log lines, its deadline.)
  boost::asio::awaitable<AuthResult<IssuedTokens>> refresh(RefreshRequest request,
                                                           RequestInfo info);
  // Ends the caller's session: its tokens stop working on every instance.
  boost::asio::awaitable<AuthResult<void>> logout(Caller caller, RequestInfo info);

  // ---- account views and admin actions (account_service.cpp) ----
  boost::asio::awaitable<AuthResult<UserRecord>> find_user(std::string user_id, Deadline deadline);
  // Whether the user holds `service_type` now; the check is logged.
  // `request`: its ids also go into the check's record.
  boost::asio::awaitable<AuthResult<bool>> check_permission(Caller caller, std::string service_type,
                                                            RequestInfo request);
  boost::asio::awaitable<AuthResult<LoginHistoryPage>> login_history(std::string user_id,
                                                                     std::int64_t page,
                                                                     std::int64_t size,
                                                                     Deadline deadline);
  // kUserAlreadyExists for a taken id.
  boost::asio::awaitable<AuthResult<UserRecord>> create_user(CreateUserRequest request,
                                                             RequestInfo info);
  // Replaces the permissions and ends the user's sessions (new tokens carry the new set).
  boost::asio::awaitable<AuthResult<UserRecord>> set_permissions(
      std::string user_id, std::vector<std::string> permissions, RequestInfo info);
  boost::asio::awaitable<AuthResult<UserRecord>> unlock(std::string user_id, RequestInfo info);

  // Creates `request`'s user unless the id exists (start-up demo data). False if it existed.
  boost::asio::awaitable<AuthResult<bool>> ensure_user(CreateUserRequest request,
                                                       Deadline deadline);
  // Deletes sessions, counters and revocations that can no longer matter (housekeeping).
  boost::asio::awaitable<void> purge_expired(Deadline deadline);

  const LockoutPolicy& lockout() const { return parts_.lockout; }
  const SessionPolicy& session_policy() const { return parts_.session_policy; }
  SystemTime now() const { return parts_.clock.now(); }

 private:
  // Login's steps (login_use_case.cpp).
  boost::asio::awaitable<LoginOutcome<LoginResult>> check_password(const LoginRequest& request,
                                                                   const ClientInfo& client,
                                                                   LoginReservation reserved,
                                                                   Deadline deadline);
  // The password was wrong (or the id unknown): records it, kInvalidCredentials or
  // kAccountLockedNow.
  boost::asio::awaitable<LoginRefusal> refuse_wrong_password(const LoginRequest& request,
                                                             const ClientInfo& client,
                                                             const Reservation& reservation,
                                                             Deadline deadline);
  // Takes back an attempt whose password was never checked (the hasher refused).
  boost::asio::awaitable<void> release_unchecked_attempt(const LoginRequest& request,
                                                         const ClientInfo& client,
                                                         const Reservation& reservation,
                                                         Deadline deadline);
  boost::asio::awaitable<void> store_new_hash(const LoginRequest& request, Deadline deadline);
  boost::asio::awaitable<LoginOutcome<LoginResult>> start_session(const LoginRequest& request,
                                                                  const ClientInfo& client,
                                                                  UserRecord user,
                                                                  Deadline deadline);
  boost::asio::awaitable<void> record_attempt(const LoginRequest& request, const ClientInfo& client,
                                              LoginReason reason,
                                              std::optional<std::string> session_id,
                                              Deadline deadline);
  security::SignedToken sign_for(const std::string& user_id, const std::string& session_id,
                                 const std::string& customer_id, const std::string& line_number,
                                 const std::vector<std::string>& permissions) const;
  std::chrono::seconds access_lifetime() const;

  AuthServiceParts parts_;
};

// The refusal for a database error: kStorageUnavailable when the database is unreachable
// or slow, kInternal otherwise; the detail is logged with `operation`.
Refusal<AuthStatus> storage_refusal(std::string_view operation, const storage::PgError& error);
// The refusal for a password-hashing error: kHasherBusy (busy or stopping) or kInternal.
Refusal<AuthStatus> hasher_refusal(PasswordError error);

}  // namespace phonebill::auth
