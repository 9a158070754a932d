// The exactly shared login/refresh limits (ExactRateLimiter) over an in-memory store on a
// ManualClock, and the RateLimit-Policy / RateLimit headers the gateway sends.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "exact_rate_limiter.hpp"
#include "fake_shared_buckets.hpp"
#include "rate_limit_headers.hpp"
#include "support/coroutine_test.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;
using phonebill::gateway::testing::FakeSharedBuckets;
using phonebill::test_support::run_coroutine;

namespace {

constexpr resilience::CircuitBreakerOptions kBreaker{3, std::chrono::milliseconds{1000}, 1};

struct LoginLimit {
  LoginLimit(SharedBucketStore* store, const Clock& clock)
      : local{"login", BucketSettings{0.2, 10}, clock},
        breaker{"rate-limits-redis", kBreaker, clock},
        exact{local, store, breaker} {}
  RateLimiter local;
  resilience::CircuitBreaker breaker;
  ExactRateLimiter exact;
};

RateDecision take(boost::asio::io_context& io, ExactRateLimiter& limiter, std::string key) {
  return run_coroutine(
      io, [](ExactRateLimiter& limiter, std::string key) -> boost::asio::awaitable<RateDecision> {
        co_return co_await limiter.take(key);
      }(limiter, std::move(key)));
}

}  // namespace

// Two gateways, one shared bucket: a client alternating between them is refused at the
// 11th attempt, exactly where one gateway refuses it (burst 10).
TEST(ExactRateLimiterTest, TwoGatewaysRefuseAtTheSameAttemptAsOne) {
  ManualClock clock;
  boost::asio::io_context io;
  FakeSharedBuckets store{clock};
  LoginLimit a{&store, clock};
  LoginLimit b{&store, clock};
  for (int attempt = 0; attempt < 10; ++attempt)
    EXPECT_TRUE(take(io, attempt % 2 == 0 ? a.exact : b.exact, "203.0.113.9").allowed) << attempt;
  auto refused = take(io, a.exact, "203.0.113.9");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 5s);
  EXPECT_FALSE(take(io, b.exact, "203.0.113.9").allowed);
  EXPECT_EQ(a.local.refused() + b.local.refused(), 2u) << "refusals still reach the metrics";
  clock.advance(5s);
  EXPECT_TRUE(take(io, b.exact, "203.0.113.9").allowed);
}

// Store unreachable: the local bucket decides (never a failed request), and after 3
// failures the breaker stops asking the store, so no request waits on it; once the open
// period passed and the store answers, the shared bucket decides again.
TEST(ExactRateLimiterTest, AnUnreachableStoreFallsBackToTheLocalBucket) {
  ManualClock clock;
  boost::asio::io_context io;
  FakeSharedBuckets store{clock};
  LoginLimit gateway{&store, clock};
  store.reachable = false;
  for (int attempt = 0; attempt < 10; ++attempt)
    EXPECT_TRUE(take(io, gateway.exact, "203.0.113.9").allowed) << attempt;
  EXPECT_FALSE(take(io, gateway.exact, "203.0.113.9").allowed) << "the local burst of 10";
  EXPECT_EQ(store.exact_calls, 3);

  store.reachable = true;
  clock.advance(1s);
  EXPECT_TRUE(take(io, gateway.exact, "203.0.113.9").allowed) << "the shared bucket is full";
  EXPECT_EQ(store.exact_calls, 4);
}

// Redis going away mid-flood grants no fresh burst: the local bucket goes on from the
// balance the shared one last gave for that client (here: spent).
TEST(ExactRateLimiterTest, TheLocalFallbackStartsFromTheLastSharedBalance) {
  ManualClock clock;
  boost::asio::io_context io;
  FakeSharedBuckets store{clock};
  LoginLimit a{&store, clock};
  LoginLimit b{&store, clock};
  for (int attempt = 0; attempt < 10; ++attempt)
    take(io, attempt % 2 == 0 ? a.exact : b.exact, "203.0.113.9");
  EXPECT_FALSE(take(io, a.exact, "203.0.113.9").allowed);
  store.reachable = false;
  EXPECT_FALSE(take(io, a.exact, "203.0.113.9").allowed) << "not a fresh burst of 10";
  EXPECT_FALSE(take(io, b.exact, "203.0.113.9").allowed);
  clock.advance(5s);  // one token, locally
  EXPECT_TRUE(take(io, b.exact, "203.0.113.9").allowed);
  EXPECT_FALSE(take(io, b.exact, "203.0.113.9").allowed);
}

// Without a store (sharing off) the local bucket is the limit.
TEST(ExactRateLimiterTest, WithoutAStoreTheLocalBucketDecides) {
  ManualClock clock;
  boost::asio::io_context io;
  LoginLimit gateway{nullptr, clock};
  for (int attempt = 0; attempt < 10; ++attempt) take(io, gateway.exact, "203.0.113.9");
  EXPECT_FALSE(take(io, gateway.exact, "203.0.113.9").allowed);
}

// draft-ietf-httpapi-ratelimit-headers-11: one structured-field item per policy; q the
// burst, w the seconds to fill, r the whole tokens left, t until full (or, refused, the
// Retry-After).
TEST(RateLimitHeadersTest, OneItemPerPolicyInTheDraftForm) {
  ManualClock clock;
  RateLimiter login_limiter{"login", BucketSettings{0.2, 10}, clock};
  RateLimiter ip_limiter{"ip", BucketSettings{50, 100}, clock};
  RateLimiter user_limiter{"user", BucketSettings{0, 0}, clock};
  EXPECT_EQ(login_limiter.policy_item(), R"("login";q=10;w=50)");  // rendered once
  RateLimitHeaders headers;
  RateDecision login{true, 0s, 3.6, 32s};
  headers.add(login_limiter, login);
  RateDecision ip{false, 1s, 0.4, 2s};
  headers.add(ip_limiter, ip);
  headers.add(user_limiter, RateDecision{});  // disabled: no policy
  EXPECT_EQ(headers.policy_value(), R"("login";q=10;w=50, "ip";q=100;w=2)");
  EXPECT_EQ(headers.limit_value(), R"("login";r=3;t=32, "ip";r=0;t=1)");
  http::Response response;
  headers.apply(response);
  // Rendered lines (Response::header_lines), in this order, found by Response::header.
  EXPECT_TRUE(response.headers.empty());
  EXPECT_EQ(response.header_lines,
            "\r\nRateLimit-Policy: \"login\";q=10;w=50, \"ip\";q=100;w=2"
            "\r\nRateLimit: \"login\";r=3;t=32, \"ip\";r=0;t=1");
  EXPECT_EQ(response.header("RateLimit-Policy"), R"("login";q=10;w=50, "ip";q=100;w=2)");
  EXPECT_EQ(response.header("RateLimit"), R"("login";r=3;t=32, "ip";r=0;t=1)");
}

// Fractional settings and tokens: q the whole burst (floor), w at least 1 s (ceil), r the
// whole tokens left (floor, never below 0).
TEST(RateLimitHeadersTest, RoundsLikeFloorAndCeil) {
  EXPECT_EQ(render_policy_item("p", BucketSettings{3, 10.5}), R"("p";q=10;w=4)");
  EXPECT_EQ(render_policy_item("p", BucketSettings{100, 50}), R"("p";q=50;w=1)");
  EXPECT_EQ(render_policy_item("p", BucketSettings{2, 4}), R"("p";q=4;w=2)");
  EXPECT_EQ(render_policy_item("p", BucketSettings{0, 4}), "");  // disabled
  ManualClock clock;
  RateLimiter limiter{"p", BucketSettings{2, 4}, clock};
  RateLimitHeaders headers;
  headers.add(limiter, RateDecision{true, 0s, 2.999, 1s});
  EXPECT_EQ(headers.limit_value(), R"("p";r=2;t=1)");
  RateLimitHeaders below_zero;
  below_zero.add(limiter, RateDecision{true, 0s, -0.5, 3s});
  EXPECT_EQ(below_zero.limit_value(), R"("p";r=0;t=3)");
}

// The local decision carries what the headers need.
TEST(RateLimitHeadersTest, LocalDecisionsTellTokensLeftAndTimeToFull) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{2, 10}, clock};
  auto first = limiter.take("k");
  EXPECT_EQ(first.remaining, 9);
  EXPECT_EQ(first.until_full, 1s);  // 1 token at 2/s: 0.5 s, rounded up
  for (int i = 0; i < 9; ++i) limiter.take("k");
  auto refused = limiter.take("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.until_full, 5s);
}
