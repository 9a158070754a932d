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
  RateLimitHeaders headers;
  RateDecision login{true, 0s, 3.6, 32s};
  headers.add("login", BucketSettings{0.2, 10}, login);
  RateDecision ip{false, 1s, 0.4, 2s};
  headers.add("ip", BucketSettings{50, 100}, ip);
  headers.add("user", BucketSettings{0, 0}, RateDecision{});  // disabled: no policy
  EXPECT_EQ(headers.policy_value(), R"("login";q=10;w=50, "ip";q=100;w=2)");
  EXPECT_EQ(headers.limit_value(), R"("login";r=3;t=32, "ip";r=0;t=1)");
  http::Response response;
  headers.apply(response);
  ASSERT_EQ(response.headers.size(), 2u);
  EXPECT_EQ(response.headers[0].first, "RateLimit-Policy");
  EXPECT_EQ(response.headers[1].first, "RateLimit");
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
