// Limits at the gateway: body and header size, slow clients, and the rate limits (on a
// gateway of their own with small buckets).
#include <thread>

#include "gateway_fixture.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;

// A body over 64 KiB is 413 PAYLOAD_TOO_LARGE and never reaches the upstream.
TEST_F(GatewayTest, BodyOverTheLimitIs413) {
  auto reply = http_call(port(), "POST", "/api/v1/auth/login", {}, std::string(70 * 1024, 'x'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.error_code(), "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/auth/login", {}, std::string(60 * 1024, 'x')).status,
            200);
}

// Headers over 16 KiB are 431.
TEST_F(GatewayTest, HeadersOverTheLimitAre431) {
  auto reply =
      http_call(port(), "GET", "/api/v1/bills/menu", {{"X-Big", std::string(20 * 1024, 'h')}});
  EXPECT_EQ(reply.status, 431);
}

// A client that sends part of its headers and stalls is disconnected at the header
// timeout (500 ms here), not held forever.
TEST_F(GatewayTest, SlowClientIsDisconnectedAfterTheHeaderTimeout) {
  auto started = std::chrono::steady_clock::now();
  auto answer = raw_exchange(
      port(), "GET /api/v1/bills/menu HTTP/1.1\r\nHost: x\r\nX-Slow: ", std::chrono::seconds{10});
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(answer.empty()) << answer;
  EXPECT_GE(elapsed, std::chrono::milliseconds{400});
  EXPECT_LT(elapsed, std::chrono::seconds{3});
  EXPECT_EQ(http_call(port(), "GET", "/healthz").status, 200);
}

namespace {

class RateLimitTest : public GatewayTest {
 protected:
  static void SetUpTestSuite() {
    GatewayTest::SetUpTestSuite();
    limited_ = std::make_unique<GatewayInstance>(
        start_gateway({{"PHONEBILL_UPSTREAM_AUTH", auth().url()},
                       {"PHONEBILL_UPSTREAM_BILL_INQUIRY", bills(0).url()},
                       {"PHONEBILL_GATEWAY_RATE_LIMITS", "true"},
                       {"PHONEBILL_GATEWAY_RATE_IP_PER_SECOND", "0.5"},
                       {"PHONEBILL_GATEWAY_RATE_IP_BURST", "20"},
                       {"PHONEBILL_GATEWAY_RATE_USER_PER_SECOND", "0.5"},
                       {"PHONEBILL_GATEWAY_RATE_USER_BURST", "3"},
                       {"PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND", "0.1"},
                       {"PHONEBILL_GATEWAY_RATE_LOGIN_BURST", "2"},
                       {"PHONEBILL_GATEWAY_RATE_REFRESH_PER_SECOND", "0.1"},
                       {"PHONEBILL_GATEWAY_RATE_REFRESH_BURST", "3"}},
                      directory() / "limited"));
  }
  static void TearDownTestSuite() {
    if (limited_) {
      EXPECT_EQ(limited_->process->stop(std::chrono::seconds{5}), 0)
          << limited_->process->read_log();
    }
    limited_.reset();
    GatewayTest::TearDownTestSuite();
  }
  static std::unique_ptr<GatewayInstance> limited_;
};
std::unique_ptr<GatewayInstance> RateLimitTest::limited_;

}  // namespace

// Login is stricter: the third quick attempt from one address is 429 with Retry-After.
TEST_F(RateLimitTest, LoginIsLimitedPerAddress) {
  auto port = limited_->port;
  EXPECT_EQ(http_call(port, "POST", "/api/v1/auth/login", {}, "{}").status, 200);
  EXPECT_EQ(http_call(port, "POST", "/api/v1/auth/login", {}, "{}").status, 200);
  auto refused = http_call(port, "POST", "/api/v1/auth/login", {}, "{}");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.error_code(), "RATE_LIMITED");
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
}

// Refresh has a bucket of its own (3 here): an address whose login bucket is empty still
// refreshes, and the fourth quick refresh is 429 while login stays refused.
TEST_F(RateLimitTest, RefreshHasItsOwnBucket) {
  auto port = limited_->port;
  int logins = 0;
  while (logins < 5 && http_call(port, "POST", "/api/v1/auth/login", {}, "{}").status != 429)
    ++logins;
  ASSERT_LE(logins, 2) << "the login bucket holds 2";
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(http_call(port, "POST", "/api/v1/auth/refresh", {}, "{}").status, 200) << i;
  auto refused = http_call(port, "POST", "/api/v1/auth/refresh", {}, "{}");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.error_code(), "RATE_LIMITED");
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_EQ(http_call(port, "POST", "/api/v1/auth/login", {}, "{}").status, 429);
}

// One user's burst is 3: the fourth request is 429; another user is unaffected.
TEST_F(RateLimitTest, EachUserHasABucket) {
  auto port = limited_->port;
  auto token = tokens().token("burst-user", {"BILL_INQUIRY"});
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(http_call(port, "GET", "/api/v1/bills/menu", bearer(token)).status, 200);
  auto refused = http_call(port, "GET", "/api/v1/bills/menu", bearer(token));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("retry-after"), "2");
  EXPECT_EQ(http_call(port, "GET", "/api/v1/bills/menu", bearer(user02_token())).status, 200);
}

// The per-address bucket (20) ends even anonymous floods with 429 + Retry-After.
TEST_F(RateLimitTest, EachAddressHasABucket) {
  auto port = limited_->port;
  int refused = 0;
  std::string retry_after;
  for (int i = 0; i < 30; ++i) {
    auto reply = http_call(port, "GET", "/");
    if (reply.status == 429) {
      ++refused;
      retry_after = reply.header("retry-after");
    }
  }
  EXPECT_GE(refused, 5);
  EXPECT_FALSE(retry_after.empty());
}
