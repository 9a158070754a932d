// Sessions against the real service: refresh rotation, reuse of a rotated refresh token
// ending the session, and logout reaching a second verifier instance within a second.
#include <boost/json.hpp>

#include <thread>

#include "auth_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

AuthReply refresh(const std::string& refresh_token) {
  return AuthTest::call(AuthTest::port(0), "POST", "/api/v1/auth/refresh",
                        json::serialize(json::object{{"refreshToken", refresh_token}}));
}

}  // namespace

// Each refresh hands out a new pair; the new access token works, the old refresh does not.
TEST_F(AuthTest, RefreshRotatesTheTokenPair) {
  auto user = create_user("rotate");
  auto first = login_ok(user, kUserPassword);
  auto second_reply = refresh(first.refresh);
  ASSERT_EQ(second_reply.status, 200) << second_reply.body;
  EXPECT_EQ(second_reply.data().at("expiresIn").to_number<std::int64_t>(), 1800);
  Tokens second{second_reply.text("accessToken"), second_reply.text("refreshToken")};
  EXPECT_NE(second.refresh, first.refresh);
  EXPECT_NE(second.access, first.access);
  EXPECT_EQ(get("/api/v1/auth/me", second.access).status, 200);
  auto third = refresh(second.refresh);
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(sql_value("SELECT count(*) FROM refresh_tokens t JOIN sessions s USING (session_id) "
                      "WHERE s.user_id = '" +
                      user + "' AND t.rotated_at IS NULL"),
            "1");
  // Only the hash is stored.
  EXPECT_EQ(sql_value("SELECT count(*) FROM refresh_tokens WHERE token_hash = '" +
                      third.text("refreshToken") + "'"),
            "0");
  EXPECT_EQ(refresh("not-a-refresh-token").code(), "UNAUTHORIZED");
}

// Presenting a rotated refresh token again ends the session: every token of it fails.
TEST_F(AuthTest, ReusedRefreshTokenKillsTheSession) {
  auto user = create_user("reuse");
  auto first = login_ok(user, kUserPassword);
  auto second_reply = refresh(first.refresh);
  ASSERT_EQ(second_reply.status, 200) << second_reply.body;
  EXPECT_EQ(second_reply.data().at("expiresIn").to_number<std::int64_t>(), 1800);
  Tokens second{second_reply.text("accessToken"), second_reply.text("refreshToken")};

  auto reused = refresh(first.refresh);
  ASSERT_EQ(reused.status, 401) << reused.body;
  EXPECT_EQ(reused.code(), "REFRESH_TOKEN_REUSED");
  EXPECT_EQ(refresh(second.refresh).code(), "TOKEN_REVOKED");
  EXPECT_EQ(get("/api/v1/auth/me", second.access).code(), "TOKEN_REVOKED");
  EXPECT_EQ(get("/api/v1/auth/me", first.access).code(), "TOKEN_REVOKED");
  EXPECT_EQ(sql_value("SELECT revoke_reason FROM sessions WHERE user_id = '" + user + "'"),
            "REFRESH_TOKEN_REUSED");
  // Another session of the same user is unaffected.
  EXPECT_EQ(get("/api/v1/auth/me", login_ok(user, kUserPassword).access).status, 200);
}

// Logout on one instance: a second instance rejects the access token within a second,
// without being told directly (Redis pub/sub into its in-memory set).
TEST_F(AuthTest, LogoutRevokesTheTokenOnASecondInstanceWithinOneSecond) {
  auto other = start_instance(InstanceSettings{"auth-verifier"});
  auto user = create_user("logout");
  auto tokens = login_ok(user, kUserPassword);
  ASSERT_EQ(get("/api/v1/auth/me", tokens.access, other).status, 200);

  auto logged_out = post("/api/v1/auth/logout", json::object{}, tokens.access);
  ASSERT_EQ(logged_out.status, 200) << logged_out.body;
  auto started = std::chrono::steady_clock::now();
  AuthReply answer;
  while (std::chrono::steady_clock::now() - started < std::chrono::seconds{3}) {
    answer = get("/api/v1/auth/me", tokens.access, other);
    if (answer.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(answer.code(), "TOKEN_REVOKED") << answer.body;
  EXPECT_LT(elapsed, std::chrono::seconds{1});
  // The instance that logged out rejects it at once; the refresh token is dead too.
  EXPECT_EQ(get("/api/v1/auth/me", tokens.access).code(), "TOKEN_REVOKED");
  EXPECT_EQ(refresh(tokens.refresh).code(), "TOKEN_REVOKED");
  // A third instance started afterwards learns it from the Redis keys.
  auto late = start_instance(InstanceSettings{"auth-late"});
  EXPECT_EQ(get("/api/v1/auth/me", tokens.access, late).code(), "TOKEN_REVOKED");
}
