// Login against the real service: success, AUTH_001 with remaining attempts (unknown
// ids alike, in comparable time), the lock on the 5th failure, AUTH_003 while locked,
// 20 concurrent wrong attempts, unlock by time and by an admin, and the login history.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "auth_fixture.hpp"
#include "http/client.hpp"
#include "support/response_capture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

std::int64_t remaining(const AuthReply& reply) {
  return reply.details().at("remainingAttempts").to_number<std::int64_t>();
}

std::chrono::milliseconds median(std::vector<std::chrono::milliseconds> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

// A demo user logs in: a token pair, the user's facts, and me answers with the token.
TEST_F(AuthTest, LoginSucceedsWithTokensAndUser) {
  auto reply = login("user01", "Passw0rd!01");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("success"), true);
  const auto& data = reply.data();
  EXPECT_EQ(data.at("tokenType"), "Bearer");
  EXPECT_EQ(data.at("expiresIn").to_number<std::int64_t>(), 1800);  // the lifetime, exactly
  EXPECT_NEAR(double(data.at("refreshExpiresIn").to_number<std::int64_t>()), 1800.0, 2.0);
  EXPECT_EQ(reply.text("refreshToken").size(), 43u);
  const auto& user = data.at("user");
  EXPECT_EQ(user.at("userId"), "user01");
  EXPECT_EQ(user.at("customerId"), "C000000001");
  EXPECT_EQ(user.at("lineNumber"), "01012345678");
  EXPECT_EQ(user.at("status"), "ACTIVE");
  EXPECT_TRUE(user.at("lastLoginAt").as_string().ends_with("+09:00"));
  EXPECT_EQ(user.at("permissions"), (json::array{"BILL_INQUIRY", "PRODUCT_CHANGE"}));

  auto me = get("/api/v1/auth/me", reply.text("accessToken"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.data().at("userName"), "홍길동");
  EXPECT_EQ(me.data().at("permissions"), (json::array{"BILL_INQUIRY", "PRODUCT_CHANGE"}));
}

// autoLogin keeps the session for 24 hours instead of 30 idle minutes.
TEST_F(AuthTest, AutoLoginSessionLastsADay) {
  auto reply = login("user02", "Passw0rd!02", true);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_NEAR(double(reply.data().at("refreshExpiresIn").to_number<std::int64_t>()), 86400.0, 2.0);
}

// A wrong password answers AUTH_001 with the attempts left, counting down.
TEST_F(AuthTest, WrongPasswordTellsRemainingAttempts) {
  auto user = create_user("wrongpw");
  auto first = login(user, "not-the-password");
  ASSERT_EQ(first.status, 401) << first.body;
  EXPECT_EQ(first.code(), "AUTH_001");
  EXPECT_EQ(first.json.at("error").at("message"), "ID 또는 비밀번호를 확인해주세요");
  EXPECT_EQ(remaining(first), 4);
  EXPECT_EQ(remaining(login(user, "not-the-password")), 3);
  // Success resets the counter.
  ASSERT_EQ(login(user, kUserPassword).status, 200);
  EXPECT_EQ(remaining(login(user, "not-the-password")), 4);
}

// An unknown id gets the same answer, the same countdown and about the same time.
TEST_F(AuthTest, UnknownUserIsIndistinguishableFromWrongPassword) {
  auto user = create_user("known");
  std::vector<std::chrono::milliseconds> known_times, unknown_times;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto known = login(user, "wrong-password-1");
    auto unknown = login("nobody_" + user, "wrong-password-1");
    ASSERT_EQ(known.status, 401);
    ASSERT_EQ(unknown.status, 401);
    EXPECT_EQ(unknown.code(), known.code());
    EXPECT_EQ(unknown.json.at("error").at("message"), known.json.at("error").at("message"));
    EXPECT_EQ(remaining(unknown), remaining(known));
    known_times.push_back(known.elapsed);
    unknown_times.push_back(unknown.elapsed);
  }
  // Both paths run one Argon2id verification; neither is several times faster.
  auto known_median = median(known_times), unknown_median = median(unknown_times);
  EXPECT_LT(known_median, unknown_median * 3 + std::chrono::milliseconds{20});
  EXPECT_LT(unknown_median, known_median * 3 + std::chrono::milliseconds{20});
  // Unknown ids lock like real ones.
  login("nobody_" + user, "wrong-password-1");
  auto locking = login("nobody_" + user, "wrong-password-1");
  EXPECT_EQ(locking.status, 423);
  EXPECT_EQ(locking.code(), "AUTH_002");
}

// The 5th consecutive failure locks (AUTH_002); then even the right password gets AUTH_003.
TEST_F(AuthTest, FifthFailureLocksAndLockedAccountAnswersAuth003) {
  auto user = create_user("lockme");
  for (int expected = 4; expected >= 1; --expected) {
    auto reply = login(user, "wrong-password-1");
    ASSERT_EQ(reply.code(), "AUTH_001") << reply.body;
    EXPECT_EQ(remaining(reply), expected);
  }
  auto locking = login(user, "wrong-password-1");
  ASSERT_EQ(locking.status, 423) << locking.body;
  EXPECT_EQ(locking.code(), "AUTH_002");
  EXPECT_EQ(locking.json.at("error").at("message"),
            "5회 연속 실패하여 30분간 계정이 잠금되었습니다");

  auto locked = login(user, kUserPassword);
  ASSERT_EQ(locked.status, 423) << locked.body;
  EXPECT_EQ(locked.code(), "AUTH_003");
  EXPECT_TRUE(locked.details().at("lockedUntil").as_string().ends_with("+09:00"));
  EXPECT_EQ(login(user, "wrong-password-1").code(), "AUTH_003");
  EXPECT_EQ(sql_value("SELECT failed_attempts FROM login_attempts WHERE user_id = '" + user + "'"),
            "5");
}

// 20 wrong attempts at once: exactly four AUTH_001 (4, 3, 2, 1), one AUTH_002, fifteen
// AUTH_003, the count stored is 5, and the account stays locked.
TEST_F(AuthTest, TwentyConcurrentWrongAttemptsLockWithNoLostCount) {
  auto user = create_user("burst");
  boost::asio::io_context io;
  std::vector<std::unique_ptr<http::HttpClient>> clients;
  std::vector<http::ClientResult> results(20);
  int finished = 0;
  auto body = json::serialize(json::object{{"userId", user}, {"password", "wrong-password-1"}});
  for (std::size_t index = 0; index < results.size(); ++index) {
    clients.push_back(
        std::make_unique<http::HttpClient>(io, http::ClientOptions{"127.0.0.1", port()}));
    boost::asio::co_spawn(
        io,
        clients.back()->send(http::ClientRequest{"POST", "/api/v1/auth/login", body},
                             std::chrono::steady_clock::now() + std::chrono::seconds{60}),
        [&, index](std::exception_ptr, http::ClientResult result) {
          results[index] = std::move(result);
          ++finished;
        });
  }
  io.run();
  ASSERT_EQ(finished, 20);
  std::map<std::string, int> codes;
  std::vector<std::int64_t> remainders;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok());
    capture_response("POST", "/api/v1/auth/login", result.response->status,
                     result.response->headers, result.response->body);
    auto parsed = json::parse(result.response->body);
    std::string code{parsed.at("error").at("code").as_string()};
    ++codes[code];
    if (code == "AUTH_001")
      remainders.push_back(parsed.at("error").at("details").at("remainingAttempts").as_int64());
  }
  EXPECT_EQ(codes["AUTH_001"], 4);
  EXPECT_EQ(codes["AUTH_002"], 1);
  EXPECT_EQ(codes["AUTH_003"], 15);
  std::sort(remainders.begin(), remainders.end());
  EXPECT_EQ(remainders, (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(sql_value("SELECT failed_attempts FROM login_attempts WHERE user_id = '" + user + "'"),
            "5");
  // Only five attempts reached the password check; all twenty are in the history.
  EXPECT_EQ(sql_value("SELECT count(*) FROM login_history WHERE user_id = '" + user +
                      "' AND reason = 'LOCKED'"),
            "15");
  EXPECT_EQ(sql_value("SELECT count(*) FROM login_history WHERE user_id = '" + user + "'"), "20");
  EXPECT_EQ(login(user, kUserPassword).code(), "AUTH_003");
}

// An admin lifts a lock at once.
TEST_F(AuthTest, AdminUnlocksALockedAccount) {
  auto user = create_user("unlockme");
  for (int attempt = 0; attempt < 5; ++attempt) login(user, "wrong-password-1");
  ASSERT_EQ(login(user, kUserPassword).code(), "AUTH_003");
  auto me = get("/api/v1/admin/users/" + user + "/login-history", admin_access_token());
  ASSERT_EQ(me.status, 200) << me.body;
  auto unlocked =
      post("/api/v1/admin/users/" + user + "/unlock", json::object{}, admin_access_token());
  ASSERT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_EQ(unlocked.data().at("status"), "ACTIVE");
  EXPECT_EQ(login(user, kUserPassword).status, 200);
  EXPECT_EQ(
      post("/api/v1/admin/users/nobody_here/unlock", json::object{}, admin_access_token()).code(),
      "USER_NOT_FOUND");
}

// Every attempt is in the history with the gateway's X-Forwarded-For address and the agent.
TEST_F(AuthTest, LoginHistoryRecordsAttempts) {
  auto user = create_user("history");
  Headers headers{{"X-Forwarded-For", "203.0.113.9"}, {"User-Agent", "phonebill-test/1.0"}};
  auto body = json::serialize(json::object{{"userId", user}, {"password", "wrong-password-1"}});
  call(port(), "POST", "/api/v1/auth/login", body, headers);
  auto tokens = login_ok(user, kUserPassword);
  auto history = get("/api/v1/auth/login-history?size=10", tokens.access);
  ASSERT_EQ(history.status, 200) << history.body;
  const auto& items = history.data().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("result"), "SUCCESS");
  EXPECT_EQ(items[1].at("result"), "FAILURE");
  EXPECT_EQ(items[1].at("reason"), "INVALID_CREDENTIALS");
  EXPECT_EQ(items[1].at("clientIp"), "203.0.113.9");
  EXPECT_EQ(items[1].at("userAgent"), "phonebill-test/1.0");
  EXPECT_EQ(items[0].at("clientIp"), "127.0.0.1");
  const auto& page = history.data().at("page");
  EXPECT_EQ(page.at("totalItems").to_number<std::int64_t>(), 2);
  EXPECT_EQ(page.at("hasNext"), false);
}
