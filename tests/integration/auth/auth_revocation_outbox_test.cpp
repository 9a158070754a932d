// The revocation outbox against the real service (issue 12 item 3, SPEC §3): a logout
// while Redis is down is committed and acknowledged, and reaches another verifier within
// a second of Redis returning; a Redis that restarted empty gets every live revocation
// again. Two auth instances share a database of their own and a private redis-server
// (killed and restarted by the test; it always restarts empty).
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <iostream>
#include <thread>

#include "auth_fixture.hpp"
#include "cache/redis_client.hpp"
#include "support/coroutine_test.hpp"
#include "support/private_redis_server.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// Two instances (the one a client talks to, and another verifier) on `redis` and a
// fresh database; the user logs in on the first.
struct OutboxSetup {
  explicit OutboxSetup(const PrivateRedisServer& redis) : database(create_database("auth_outbox")) {
    InstanceSettings settings{
        .name = "auth-outbox", .redis_url = redis.url(), .database_dsn = database};
    front = AuthTest::start_instance(settings);
    settings.name = "auth-outbox-verifier";
    verifier = AuthTest::start_instance(settings);
  }
  ~OutboxSetup() {
    AuthTest::stop_instance(verifier);
    AuthTest::stop_instance(front);
  }
  std::string database;
  std::size_t front = 0;
  std::size_t verifier = 0;
};

// Polls `verifier`'s GET me with `token` until it answers 401; the time that took.
std::chrono::milliseconds time_until_rejected(std::size_t verifier, const std::string& token,
                                              AuthReply& answer) {
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < 5s) {
    answer = AuthTest::get("/api/v1/auth/me", token, verifier);
    if (answer.status == 401) break;
    std::this_thread::sleep_for(10ms);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started);
}

// PTTL of `key` on `redis` (-2: no such key).
std::int64_t redis_pttl(const PrivateRedisServer& redis, const std::string& key) {
  boost::asio::io_context io;
  cache::RedisClient client{io, redis.url()};
  auto reply = run_coroutine(
      io, client.command(cache::redis_args("PTTL", key), std::chrono::steady_clock::now() + 5s));
  return reply && reply->is_integer() ? reply->integer() : -3;
}

std::string session_of(const std::string& user, const std::string& database) {
  return AuthTest::sql_value("SELECT session_id FROM sessions WHERE user_id = '" + user +
                                 "' ORDER BY created_at DESC LIMIT 1",
                             database);
}

}  // namespace

// Redis down: logout answers 200 (it used to be 503, and no retry could ever publish),
// the other verifier still accepts the token (it cannot know yet), and within a second
// of Redis returning it answers 401 TOKEN_REVOKED.
TEST_F(AuthTest, LogoutWhileRedisIsDownTakesEffectEverywhereWhenRedisReturns) {
  PrivateRedisServer redis;
  OutboxSetup setup{redis};
  ASSERT_EQ(post("/api/v1/admin/users",
                 json::object{{"userId", "outbox_user"},
                              {"password", kUserPassword},
                              {"userName", "아웃박스"},
                              {"customerId", "C900000002"},
                              {"lineNumber", "01011112222"},
                              {"permissions", json::array{}}},
                 login_ok("admin", "Adm1nPass!00", setup.front).access, setup.front)
                .status,
            201);
  auto tokens = login_ok("outbox_user", kUserPassword, setup.front);
  ASSERT_EQ(get("/api/v1/auth/me", tokens.access, setup.verifier).status, 200);

  redis.kill();
  auto logged_out = post("/api/v1/auth/logout", json::object{}, tokens.access, setup.front);
  EXPECT_EQ(logged_out.status, 200) << logged_out.body;
  // Durable before acknowledged: both revocations wait in the outbox.
  EXPECT_EQ(
      sql_value("SELECT count(*) FROM revocations WHERE published_at IS NULL", setup.database),
      "2");
  EXPECT_EQ(get("/api/v1/auth/me", tokens.access, setup.front).code(), "TOKEN_REVOKED");
  std::this_thread::sleep_for(1500ms);  // the publisher is retrying meanwhile
  EXPECT_EQ(get("/api/v1/auth/me", tokens.access, setup.verifier).status, 200)
      << "the other verifier cannot know before Redis returns";

  redis.start();
  AuthReply answer;
  auto delay = time_until_rejected(setup.verifier, tokens.access, answer);
  EXPECT_EQ(answer.code(), "TOKEN_REVOKED") << answer.body;
  EXPECT_LT(delay, 1s);
  std::cout << "[ measured ] revocation delay after Redis returned: " << delay.count() << " ms\n";
  EXPECT_EQ(
      sql_value("SELECT count(*) FROM revocations WHERE published_at IS NULL", setup.database),
      "0");
}

// Redis loses everything (restart without persistence): auth notices the missing marker
// and publishes every live revocation again, so verifiers that start afterwards (late
// joiners, which learn only from the keys) reject the tokens too.
TEST_F(AuthTest, RedisRestartedEmptyGetsEveryLiveRevocationAgain) {
  PrivateRedisServer redis;
  OutboxSetup setup{redis};
  const auto admin = login_ok("admin", "Adm1nPass!00", setup.front);
  auto first = login_ok("user01", "Passw0rd!01", setup.front);
  const auto first_session = session_of("user01", setup.database);
  ASSERT_EQ(post("/api/v1/auth/logout", json::object{}, first.access, setup.front).status, 200);
  // A permission change ends user02's session: a revocation of another path.
  login_ok("user02", "Passw0rd!02", setup.front);
  const auto second_session = session_of("user02", setup.database);
  ASSERT_EQ(
      put("/api/v1/admin/users/user02/permissions",
          json::object{{"permissions", json::array{"BILL_INQUIRY"}}}, admin.access, setup.front)
          .status,
      200);
  const std::string first_key = "auth:revoked:sid:" + first_session;
  const std::string second_key = "auth:revoked:sid:" + second_session;
  // Published right after the commit (the answer does not wait for it).
  const auto published_by = std::chrono::steady_clock::now() + 2s;
  while ((redis_pttl(redis, first_key) <= 0 || redis_pttl(redis, second_key) <= 0) &&
         std::chrono::steady_clock::now() < published_by)
    std::this_thread::sleep_for(20ms);
  ASSERT_GT(redis_pttl(redis, first_key), 0);
  ASSERT_GT(redis_pttl(redis, second_key), 0);

  redis.kill();
  redis.start();  // empty
  std::int64_t first_ttl = -2;
  std::int64_t second_ttl = -2;
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < 5s) {
    first_ttl = redis_pttl(redis, first_key);
    second_ttl = redis_pttl(redis, second_key);
    if (first_ttl > 0 && second_ttl > 0) break;
    std::this_thread::sleep_for(20ms);
  }
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  EXPECT_GT(first_ttl, 60'000);  // the remaining lifetime, not a fresh default
  EXPECT_LE(first_ttl, 31 * 60'000);
  EXPECT_GT(second_ttl, 60'000);
  EXPECT_LT(delay, 2s);
  std::cout << "[ measured ] republished after an empty Redis restart in " << delay.count()
            << " ms\n";
  EXPECT_GT(redis_pttl(redis, "auth:revocations:complete"), -2) << "the marker is set again";

  // A verifier that starts now learns the revocation from the republished keys.
  InstanceSettings late{
      .name = "auth-outbox-late", .redis_url = redis.url(), .database_dsn = setup.database};
  auto late_instance = start_instance(late);
  EXPECT_EQ(get("/api/v1/auth/me", first.access, late_instance).code(), "TOKEN_REVOKED");
  stop_instance(late_instance);
}

// With Redis up, the outbox is a formality: the publisher is woken by the commit, marks
// the rows published, and each row lives as long as the tokens it names could verify.
TEST_F(AuthTest, LogoutIsPublishedFromTheOutboxAtOnce) {
  auto user = create_user("outbox");
  auto tokens = login_ok(user, kUserPassword);
  ASSERT_EQ(post("/api/v1/auth/logout", json::object{}, tokens.access).status, 200);
  const auto session = sql_value("SELECT session_id FROM sessions WHERE user_id = '" + user + "'");
  const std::string published = "SELECT count(*) FROM revocations WHERE revoked_id = '" + session +
                                "' AND kind = 'sid' AND published_at IS NOT NULL";
  const auto started = std::chrono::steady_clock::now();
  while (sql_value(published) != "1" && std::chrono::steady_clock::now() - started < 2s)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(sql_value(published), "1");
  EXPECT_EQ(sql_value("SELECT count(*) FROM revocations WHERE revoked_id = '" + session +
                      "' AND expires_at > now() + interval '30 minutes'"),
            "1");
}
