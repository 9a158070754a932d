// AuthService's account use cases: the caller's views (me, permission check, login
// history), the admin actions (create user, set permissions, unlock), start-up demo
// users and housekeeping. See auth_service.hpp for the contracts.
#include "auth_service.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"

namespace phonebill::auth {

namespace asio = boost::asio;

asio::awaitable<AuthResult<UserRecord>> AuthService::find_user(std::string user_id,
                                                               Deadline deadline) {
  auto found = co_await parts_.users.find_user(user_id, deadline);
  if (!found) co_return storage_refusal("find_user", found.error());
  if (!*found) co_return refuse(AuthStatus::kUserNotFound);
  co_return std::move(**found);
}

asio::awaitable<AuthResult<bool>> AuthService::check_permission(Caller caller,
                                                                std::string service_type,
                                                                RequestInfo request) {
  PermissionCheck check;
  check.user_id = caller.user_id;
  check.session_id = caller.session_id;
  check.service_type = service_type;
  check.request_id = request.http_request_id;
  check.checked_at = parts_.clock.now();
  auto granted = co_await parts_.checks.check(std::move(check), request.deadline);
  if (!granted) co_return storage_refusal("check_permission", granted.error());
  log::info("permission_checked", log::request_log_fields(request, {{"userId", caller.user_id},
                                                                    {"serviceType", service_type},
                                                                    {"granted", *granted}}));
  co_return *granted;
}

asio::awaitable<AuthResult<LoginHistoryPage>> AuthService::login_history(std::string user_id,
                                                                         std::int64_t page,
                                                                         std::int64_t size,
                                                                         Deadline deadline) {
  auto listed = co_await parts_.history.page(std::move(user_id), page, size, deadline);
  if (!listed) co_return storage_refusal("login_history", listed.error());
  co_return std::move(*listed);
}

asio::awaitable<AuthResult<UserRecord>> AuthService::create_user(CreateUserRequest request,
                                                                 RequestInfo info) {
  const Deadline deadline = info.deadline;
  auto created = co_await ensure_user(request, deadline);
  if (!created) co_return created.error();
  if (!*created) co_return refuse(AuthStatus::kUserAlreadyExists);
  log::info("user_created", log::request_log_fields(info, {{"userId", request.user_id}}));
  co_return co_await find_user(request.user_id, deadline);
}

asio::awaitable<AuthResult<bool>> AuthService::ensure_user(CreateUserRequest request,
                                                           Deadline deadline) {
  // Checked first so that a taken id costs no Argon2id hash; the insert re-checks.
  auto exists = co_await parts_.users.user_exists(request.user_id, deadline);
  if (!exists) co_return storage_refusal("user_exists", exists.error());
  if (*exists) co_return false;
  auto hashed = co_await parts_.passwords.hash(std::move(request.password));
  if (!hashed) co_return hasher_refusal(hashed.error());
  NewUser user;
  user.user_id = std::move(request.user_id);
  user.password_hash = std::move(*hashed);
  user.user_name = std::move(request.user_name);
  user.customer_id = std::move(request.customer_id);
  user.line_number = std::move(request.line_number);
  user.permissions = std::move(request.permissions);
  auto inserted = co_await parts_.users.insert_user(std::move(user), deadline);
  if (!inserted) co_return storage_refusal("insert_user", inserted.error());
  co_return *inserted;
}

asio::awaitable<AuthResult<UserRecord>> AuthService::set_permissions(
    std::string user_id, std::vector<std::string> permissions, RequestInfo info) {
  const Deadline deadline = info.deadline;
  // Tokens carry permissions: the user's sessions end with the change, so no token keeps
  // the old set (one statement: never the new permissions with the old sessions alive).
  const auto session_until = parts_.revoker.session_until();
  auto ended = co_await parts_.sessions.set_permissions_ending_sessions(
      user_id, std::move(permissions), "PERMISSIONS_CHANGED", parts_.clock.now(), session_until,
      deadline);
  if (!ended) co_return storage_refusal("set_permissions", ended.error());
  if (!*ended) co_return refuse(AuthStatus::kUserNotFound);
  std::vector<Revocation> revocations;
  for (const auto& session : **ended)
    revocations.push_back(
        Revocation{security::RevocationKind::kSession, session.session_id, session_until});
  parts_.revoker.committed(revocations);
  log::info(
      "permissions_changed",
      log::request_log_fields(info, {{"userId", user_id}, {"sessionsEnded", (*ended)->size()}}));
  co_return co_await find_user(std::move(user_id), deadline);
}

asio::awaitable<AuthResult<UserRecord>> AuthService::unlock(std::string user_id, RequestInfo info) {
  const Deadline deadline = info.deadline;
  auto unlocked = co_await parts_.users.unlock(user_id, parts_.clock.now(), deadline);
  if (!unlocked) co_return storage_refusal("unlock", unlocked.error());
  if (!*unlocked) co_return refuse(AuthStatus::kUserNotFound);
  log::info("account_unlocked", log::request_log_fields(info, {{"userId", user_id}}));
  co_return co_await find_user(std::move(user_id), deadline);
}

asio::awaitable<void> AuthService::purge_expired(Deadline deadline) {
  auto now = parts_.clock.now();
  // Ended sessions stay a day for support questions, then go with their refresh tokens.
  auto sessions = co_await parts_.sessions.purge(now - std::chrono::hours{24}, deadline);
  auto attempts =
      co_await parts_.users.purge_attempts(now, now - parts_.lockout.failure_window, deadline);
  // Expired revocations: no token they name can verify any more.
  auto revocations = co_await parts_.revocations.purge_expired(now, deadline);
  for (const auto* purged : {&sessions, &attempts, &revocations}) {
    if (!*purged) {
      log::warn("purge_failed", {{"error", storage::describe(purged->error())}});
      co_return;
    }
  }
  log::debug(
      "purged",
      {{"sessions", *sessions}, {"loginAttempts", *attempts}, {"revocations", *revocations}});
}

}  // namespace phonebill::auth
