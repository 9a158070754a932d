// AuthService driven in-process (SPEC §3 rules, one test each): fake stores, a fake
// password hasher that can be made busy, a real token signer and session revoker, and a
// ManualClock, so the lockout window and session timeouts pass without sleeping.
#include <gtest/gtest.h>

#include "auth_service.hpp"
#include "auth_views.hpp"
#include "fakes/fake_stores.hpp"
#include "security/signing_keys.hpp"
#include "security/token_signer.hpp"
#include "support/coroutine_test.hpp"

using namespace phonebill;
using namespace phonebill::auth;
using namespace std::chrono_literals;
using security::RevocationKind;

namespace {

constexpr char kUser[] = "user01";
constexpr char kPassword[] = "Passw0rd!01";
constexpr char kWrongPassword[] = "wrong-password";

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest() {
    fakes::FakeUserStore::Row row;
    row.record.user_id = kUser;
    row.record.user_name = "홍길동";
    row.record.customer_id = "C0001";
    row.record.line_number = "01012345678";
    row.record.permissions = {"BILL_INQUIRY", "PRODUCT_CHANGE"};
    row.password_hash = fakes::FakePasswordHashing::hash_of(kPassword);
    users.users.emplace(kUser, row);
  }

  AuthServiceParts parts(const security::TokenSigner& with_signer) {
    return AuthServiceParts{users,       sessions, history, checks,  revocation_outbox, passwords,
                            with_signer, revoker,  clock,   lockout, SessionPolicy{}};
  }

  static Deadline deadline() { return deadline_after(10s); }
  static RequestInfo request_info() { return RequestInfo{"request-1", {}, {}, deadline()}; }
  static ClientInfo client() { return ClientInfo{"192.0.2.10", "unit-test", "request-1"}; }

  // (Requests are built before the co_await: g++ 12 mishandles braced temporaries in a
  // co_await expression, see storage/pg_result.hpp.)
  boost::asio::awaitable<AuthResult<IssuedTokens>> refresh(std::string refresh_token) {
    RefreshRequest request{std::move(refresh_token)};
    co_return co_await service.refresh(std::move(request), request_info());
  }
  boost::asio::awaitable<LoginOutcome<LoginResult>> login(std::string password,
                                                          std::string user_id = kUser) {
    LoginRequest request{std::move(user_id), std::move(password), false};
    co_return co_await service.login(std::move(request), client(), deadline());
  }
  // The caller of the access token issued with `tokens` (what the handler copies).
  Caller caller_of(const IssuedTokens& tokens) const {
    return Caller{kUser, tokens.session_id,
                  sessions.sessions.at(tokens.session_id).current_token_id,
                  tokens.access_expires_at};
  }
  int failed_attempts() { return users.attempts[kUser].failed_attempts; }

  ManualClock clock;
  LockoutPolicy lockout;  // 5 failures, 30 minutes
  fakes::StoreFailure failure;
  fakes::FakeUserStore users{failure};
  fakes::FakeSessionStore sessions{failure, users};
  fakes::FakeLoginHistoryStore history{failure};
  fakes::FakePermissionCheckStore checks{failure, users};
  fakes::FakeRevocationStore revocation_outbox;
  fakes::FakePasswordHashing passwords;
  security::SigningKeyRing keys{security::SigningKey::generate()};
  security::TokenSigner signer{keys, security::TokenSignerOptions{}, clock};
  security::RevocationSet local_revocations{clock};
  fakes::FakeOutboxPublisher publisher{sessions};
  SessionRevoker revoker{local_revocations, &publisher, clock, 31min, 60s};
  AuthService service{parts(signer)};
};

}  // namespace

CO_TEST_F(AuthServiceTest, CorrectPasswordIssuesTokensAndRecordsSuccess) {
  auto result = co_await login(kPassword);
  CO_ASSERT_TRUE(result);
  EXPECT_FALSE(result->tokens.access_token.empty());
  EXPECT_FALSE(result->tokens.refresh_token.empty());
  EXPECT_EQ(result->user.user_id, kUser);
  EXPECT_EQ(result->user.last_login_at, clock.now());
  EXPECT_TRUE(sessions.sessions.contains(result->tokens.session_id));
  CO_ASSERT_EQ(history.entries.size(), 1u);
  EXPECT_EQ(history.entries[0].reason, LoginReason::kSuccess);
  EXPECT_EQ(history.entries[0].session_id, result->tokens.session_id);
  EXPECT_EQ(history.entries[0].client_ip, "192.0.2.10");
  EXPECT_EQ(failed_attempts(), 0);
}

CO_TEST_F(AuthServiceTest, WrongPasswordCountsAnAttemptAndTellsWhatIsLeft) {
  auto result = co_await login(kWrongPassword);
  CO_ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, AuthStatus::kInvalidCredentials);
  EXPECT_EQ(result.error().remaining_attempts, 4);
  EXPECT_EQ(failed_attempts(), 1);
  CO_ASSERT_EQ(history.entries.size(), 1u);
  EXPECT_EQ(history.entries[0].reason, LoginReason::kInvalidCredentials);
}

CO_TEST_F(AuthServiceTest, UnknownUserIsRefusedLikeAWrongPasswordAfterTheSameWork) {
  auto result = co_await login(kPassword, "nobody");
  CO_ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, AuthStatus::kInvalidCredentials);
  EXPECT_EQ(result.error().remaining_attempts, 4);
  EXPECT_EQ(passwords.verifications, 1);  // the dummy verify: timing tells nothing
}

CO_TEST_F(AuthServiceTest, FifthFailureLocksForTheLockoutWindow) {
  for (int attempt = 1; attempt <= 4; ++attempt) {
    auto refused = co_await login(kWrongPassword);
    CO_ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, AuthStatus::kInvalidCredentials);
    EXPECT_EQ(refused.error().remaining_attempts, 5 - attempt);
  }
  auto fifth = co_await login(kWrongPassword);
  CO_ASSERT_FALSE(fifth);
  EXPECT_EQ(fifth.error().status, AuthStatus::kAccountLockedNow);
  EXPECT_EQ(fifth.error().locked_until, clock.now() + 30min);
  EXPECT_EQ(history.entries.back().reason, LoginReason::kAccountLocked);
}

CO_TEST_F(AuthServiceTest, LockedAccountRefusesCorrectPasswordUntilTheWindowPasses) {
  for (int attempt = 0; attempt < 5; ++attempt) co_await login(kWrongPassword);
  const auto locked_at = clock.now();
  clock.advance(29min);
  auto refused = co_await login(kPassword);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kAccountLocked);
  EXPECT_EQ(refused.error().locked_until, locked_at + 30min);
  EXPECT_EQ(history.entries.back().reason, LoginReason::kLocked);
  clock.advance(1min + 1s);
  // A new series starts: a failure now leaves four attempts, then the password works.
  auto wrong = co_await login(kWrongPassword);
  CO_ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().remaining_attempts, 4);
  auto accepted = co_await login(kPassword);
  CO_ASSERT_TRUE(accepted);
  EXPECT_EQ(failed_attempts(), 0);
}

CO_TEST_F(AuthServiceTest, HasherRefusingTheJobAnswersBusyAndReleasesTheAttempt) {
  co_await login(kWrongPassword);
  co_await login(kWrongPassword);
  CO_ASSERT_EQ(failed_attempts(), 2);
  passwords.refuse_next = PasswordError::kBusy;  // the queue filled after the busy() check
  auto refused = co_await login(kPassword);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kHasherBusy);
  EXPECT_EQ(users.releases, 1);
  EXPECT_EQ(failed_attempts(), 2);  // the unchecked correct password cost no try
  auto accepted = co_await login(kPassword);
  EXPECT_TRUE(accepted);
}

CO_TEST_F(AuthServiceTest, HasherFullAnswersBusyBeforeCountingAnything) {
  passwords.full = true;
  auto refused = co_await login(kPassword);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kHasherBusy);
  EXPECT_FALSE(users.attempts.contains(kUser));
  EXPECT_TRUE(history.entries.empty());
}

CO_TEST_F(AuthServiceTest, DatabaseDownIsStorageUnavailable) {
  failure.failure = storage::PgError{storage::PgErrorKind::kConnection, "", "", "refused"};
  auto refused = co_await login(kPassword);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kStorageUnavailable);
  failure.failure = storage::PgError{storage::PgErrorKind::kQuery, "42P01", "", "no table"};
  auto broken = co_await service.find_user(kUser, deadline());
  CO_ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().status, AuthStatus::kInternal);
}

CO_TEST_F(AuthServiceTest, RefreshRotatesTheRefreshToken) {
  auto logged_in = co_await login(kPassword);
  CO_ASSERT_TRUE(logged_in);
  clock.advance(10min);
  auto refreshed = co_await refresh(logged_in->tokens.refresh_token);
  CO_ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->session_id, logged_in->tokens.session_id);
  EXPECT_NE(refreshed->refresh_token, logged_in->tokens.refresh_token);
  EXPECT_NE(refreshed->access_token, logged_in->tokens.access_token);
  EXPECT_EQ(sessions.sessions.at(refreshed->session_id).last_used_at, clock.now());
  auto again = co_await refresh(refreshed->refresh_token);
  EXPECT_TRUE(again);
}

CO_TEST_F(AuthServiceTest, ReusedRefreshTokenEndsTheSessionEverywhere) {
  auto logged_in = co_await login(kPassword);
  CO_ASSERT_TRUE(logged_in);
  const auto session_id = logged_in->tokens.session_id;
  auto rotated = co_await refresh(logged_in->tokens.refresh_token);
  CO_ASSERT_TRUE(rotated);
  auto reused = co_await refresh(logged_in->tokens.refresh_token);
  CO_ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().status, AuthStatus::kRefreshTokenReused);
  EXPECT_EQ(sessions.end_reasons[session_id], "REFRESH_TOKEN_REUSED");
  EXPECT_TRUE(local_revocations.is_revoked(RevocationKind::kSession, session_id));
  CO_ASSERT_EQ(publisher.outbox_sizes_at_wake.size(), 1u);
  EXPECT_GE(publisher.outbox_sizes_at_wake[0], 1u);  // committed before it was published
  // The thief's fresh token dies with the session too.
  auto stolen = co_await refresh(rotated->refresh_token);
  CO_ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().status, AuthStatus::kSessionRevoked);
}

CO_TEST_F(AuthServiceTest, RefreshAfterTheIdleTimeoutIsRefusedAsExpired) {
  auto logged_in = co_await login(kPassword);
  CO_ASSERT_TRUE(logged_in);
  clock.advance(30min + 1s);
  auto refused = co_await refresh(logged_in->tokens.refresh_token);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kSessionExpired);
}

CO_TEST_F(AuthServiceTest, UnknownRefreshTokenIsRefused) {
  auto refused = co_await refresh("never-issued");
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kInvalidRefreshToken);
}

CO_TEST_F(AuthServiceTest, LogoutCommitsTheRevocationBeforeAnswering) {
  auto logged_in = co_await login(kPassword);
  CO_ASSERT_TRUE(logged_in);
  const auto caller = caller_of(logged_in->tokens);
  auto ended = co_await service.logout(caller, request_info());
  CO_ASSERT_TRUE(ended);
  EXPECT_EQ(sessions.end_reasons[caller.session_id], "LOGOUT");
  CO_ASSERT_EQ(sessions.outbox.size(), 2u);  // the session and the presented token
  CO_ASSERT_EQ(publisher.outbox_sizes_at_wake.size(), 1u);
  EXPECT_EQ(publisher.outbox_sizes_at_wake[0], 2u);
  EXPECT_TRUE(local_revocations.is_revoked(RevocationKind::kSession, caller.session_id));
  EXPECT_TRUE(local_revocations.is_revoked(RevocationKind::kToken, caller.token_id));
  auto refused = co_await refresh(logged_in->tokens.refresh_token);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kSessionRevoked);
}

CO_TEST_F(AuthServiceTest, PermissionChangeEndsTheUsersSessions) {
  auto first = co_await login(kPassword);
  auto second = co_await login(kPassword);
  CO_ASSERT_TRUE(first && second);
  std::vector<std::string> reduced{"BILL_INQUIRY"};
  auto changed = co_await service.set_permissions(kUser, reduced, request_info());
  CO_ASSERT_TRUE(changed);
  EXPECT_EQ(changed->permissions, std::vector<std::string>{"BILL_INQUIRY"});
  for (const auto* login_result : {&first, &second}) {
    const auto& session_id = (*login_result)->tokens.session_id;
    EXPECT_EQ(sessions.end_reasons[session_id], "PERMISSIONS_CHANGED");
    EXPECT_TRUE(local_revocations.is_revoked(RevocationKind::kSession, session_id));
  }
  CO_ASSERT_EQ(publisher.outbox_sizes_at_wake.size(), 1u);
  EXPECT_EQ(publisher.outbox_sizes_at_wake[0], 2u);
  auto refused = co_await refresh(first->tokens.refresh_token);
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kSessionRevoked);
}

CO_TEST_F(AuthServiceTest, PermissionChangeForUnknownUserIsNotFound) {
  std::vector<std::string> permissions{"BILL_INQUIRY"};
  auto refused = co_await service.set_permissions("nobody", permissions, request_info());
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kUserNotFound);
}

CO_TEST_F(AuthServiceTest, CreatingAnExistingUserIsRefusedAsExists) {
  CreateUserRequest request{kUser, "Another!Pass1", "다른 사람", "C0002", "01011112222", {}};
  auto refused = co_await service.create_user(request, request_info());
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, AuthStatus::kUserAlreadyExists);
  EXPECT_EQ(users.users.at(kUser).record.user_name, "홍길동");
  request.user_id = "user09";
  auto created = co_await service.create_user(request, request_info());
  CO_ASSERT_TRUE(created);
  EXPECT_EQ(created->user_id, "user09");
  EXPECT_EQ(users.users.at("user09").password_hash,
            fakes::FakePasswordHashing::hash_of("Another!Pass1"));
}

CO_TEST_F(AuthServiceTest, UnlockClearsTheLock) {
  for (int attempt = 0; attempt < 5; ++attempt) co_await login(kWrongPassword);
  auto locked = co_await service.find_user(kUser, deadline());
  CO_ASSERT_TRUE(locked);
  EXPECT_TRUE(is_locked(locked->attempts, clock.now()));
  auto unlocked = co_await service.unlock(kUser, request_info());
  CO_ASSERT_TRUE(unlocked);
  EXPECT_FALSE(is_locked(unlocked->attempts, clock.now()));
  auto accepted = co_await login(kPassword);
  EXPECT_TRUE(accepted);
}

CO_TEST_F(AuthServiceTest, ExpiresInIsTheConfiguredLifetime) {
  security::TokenSignerOptions options;
  options.lifetime = 900s;
  security::TokenSigner short_signer{keys, options, clock};
  AuthService short_lived{parts(short_signer)};
  LoginRequest request{kUser, kPassword, false};
  auto result = co_await short_lived.login(std::move(request), client(), deadline());
  CO_ASSERT_TRUE(result);
  EXPECT_EQ(result->tokens.access_lifetime, 900s);
  EXPECT_EQ(result->tokens.access_expires_at, clock.now() + 900s);
  clock.advance(7s);  // the answer is written a little later: still the lifetime
  EXPECT_EQ(tokens_view(result->tokens, clock.now()).at("expiresIn").as_int64(), 900);
}

CO_TEST_F(AuthServiceTest, PermissionCheckAnswersFromCurrentPermissionsAndIsLogged) {
  auto logged_in = co_await login(kPassword);
  CO_ASSERT_TRUE(logged_in);
  RequestInfo request{"request-2", {}, {}, deadline()};  // (not braced in the co_await: g++ 12)
  auto granted = co_await service.check_permission(caller_of(logged_in->tokens), "ADMIN", request);
  CO_ASSERT_TRUE(granted);
  EXPECT_FALSE(*granted);
  CO_ASSERT_EQ(checks.logged.size(), 1u);
  EXPECT_EQ(checks.logged[0].service_type, "ADMIN");
}
