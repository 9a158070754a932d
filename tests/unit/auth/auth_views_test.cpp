// The answer shapes: user status from the lock state, token lifetimes, pagination.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth_answers.hpp"
#include "auth_views.hpp"

using namespace phonebill;
using namespace phonebill::auth;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {
const SystemTime kViewTime{std::chrono::seconds{1'790'000'000}};
}

// me: LOCKED while a lock holds, lastLoginAt null before the first login.
TEST(AuthViews, UserViewShowsLockAndLastLogin) {
  UserRecord user;
  user.user_id = "user01";
  user.permissions = {"BILL_INQUIRY"};
  auto view = user_view(user, kViewTime);
  EXPECT_EQ(view.at("status"), "ACTIVE");
  EXPECT_TRUE(view.at("lastLoginAt").is_null());
  user.attempts.locked_until = kViewTime + 1min;
  user.last_login_at = kViewTime;
  view = user_view(user, kViewTime);
  EXPECT_EQ(view.at("status"), "LOCKED");
  EXPECT_TRUE(view.at("lastLoginAt").as_string().ends_with("+09:00"));
  EXPECT_EQ(view.at("permissions"), (json::array{"BILL_INQUIRY"}));
}

// expiresIn is the configured access-token lifetime; refreshExpiresIn whole seconds from now.
TEST(AuthViews, TokensViewGivesLifetimes) {
  IssuedTokens tokens;
  tokens.access_expires_at = kViewTime + 30min;
  tokens.access_lifetime = 30min;
  tokens.refresh_expires_at = kViewTime + 24h;
  auto view = tokens_view(tokens, kViewTime);
  EXPECT_EQ(view.at("expiresIn").as_int64(), 1800);
  EXPECT_EQ(view.at("refreshExpiresIn").as_int64(), 86400);
  EXPECT_EQ(view.at("tokenType"), "Bearer");
}

// Issue 12 item 11: hashing and the database took a second between signing and answering
// (and iat is whole seconds); expiresIn still says 1800, not the 1799 left.
TEST(AuthViews, ExpiresInIsTheConfiguredLifetimeNotTheSecondsLeft) {
  IssuedTokens tokens;
  tokens.access_expires_at = kViewTime + 30min;
  tokens.access_lifetime = 30min;
  tokens.refresh_expires_at = kViewTime + 30min;
  auto view = tokens_view(tokens, kViewTime + 1s);
  EXPECT_EQ(view.at("expiresIn").as_int64(), 1800);
  EXPECT_EQ(view.at("refreshExpiresIn").as_int64(), 1799);
}

// The login history's page block (parsing and the block itself: tests/unit/http).
TEST(AuthViews, HistoryPage) {
  LoginHistoryPage page;
  page.total_items = 41;
  auto view = history_view(page, http::PageRequest{2, 20});
  const auto& info = view.at("page");
  EXPECT_EQ(info.at("totalPages").as_int64(), 3);
  EXPECT_EQ(info.at("hasNext"), true);
  EXPECT_EQ(info.at("hasPrevious"), true);
}

// The SPEC §3 codes and statuses: the one table at the edge.
TEST(AuthViews, ErrorTable) {
  EXPECT_EQ(auth_answer(AuthStatus::kInvalidCredentials).status, 401);
  EXPECT_EQ(auth_answer(AuthStatus::kInvalidCredentials).code, "AUTH_001");
  EXPECT_EQ(auth_answer(AuthStatus::kAccountLockedNow).status, 423);
  EXPECT_EQ(auth_answer(AuthStatus::kAccountLockedNow).message,
            "5회 연속 실패하여 30분간 계정이 잠금되었습니다");
  EXPECT_EQ(auth_answer(AuthStatus::kAccountLocked).code, "AUTH_003");
  EXPECT_EQ(auth_answer(AuthStatus::kRefreshTokenReused).code, "REFRESH_TOKEN_REUSED");
  EXPECT_EQ(auth_answer(AuthStatus::kRefreshTokenReused).status, 401);
  EXPECT_EQ(auth_answer(AuthStatus::kUserAlreadyExists).status, 409);
  EXPECT_EQ(auth_answer(AuthStatus::kStorageUnavailable).status, 503);
  EXPECT_EQ(auth_answer(AuthStatus::kHasherBusy).status, 503);
  EXPECT_EQ(auth_answer(AuthStatus::kInternal).status, 500);
}

// A refused login carries its lockout facts into details.
TEST(AuthViews, LoginRefusalAnswerCarriesLockoutDetails) {
  LoginRefusal wrong;
  wrong.status = AuthStatus::kInvalidCredentials;
  wrong.remaining_attempts = 3;
  EXPECT_EQ(login_refusal_answer(wrong).details.at("remainingAttempts").as_int64(), 3);
  LoginRefusal locked;
  locked.status = AuthStatus::kAccountLockedNow;
  locked.locked_until = kViewTime + 30min;
  auto answer = login_refusal_answer(locked);
  EXPECT_EQ(answer.code, "AUTH_002");
  EXPECT_EQ(answer.details.at("remainingAttempts").as_int64(), 0);
  EXPECT_TRUE(answer.details.at("lockedUntil").is_string());
}
