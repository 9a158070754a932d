// Token buckets on a ManualClock: burst, refill, Retry-After, independence of keys,
// disabled limits and bounded memory.
#include <gtest/gtest.h>

#include "rate_limiter.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;

// A full bucket allows `burst` requests at once, then refuses with the wait for a token.
TEST(RateLimiterTest, BurstThenRefuseWithRetryAfter) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{2, 5}, clock};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.take("10.0.0.1").allowed) << i;
  auto refused = limiter.take("10.0.0.1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_EQ(limiter.refused(), 1u);
}

// Tokens come back at the configured rate, never beyond the burst.
TEST(RateLimiterTest, RefillsOverTime) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{2, 4}, clock};
  for (int i = 0; i < 4; ++i) limiter.take("a");
  EXPECT_FALSE(limiter.take("a").allowed);
  clock.advance(500ms);  // one token
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_FALSE(limiter.take("a").allowed);
  clock.advance(1h);  // capped at 4
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_FALSE(limiter.take("a").allowed);
}

// Refill runs on steady time: an NTP step of wall time back by an hour does not freeze an
// empty bucket (on wall time it would refill nothing for an hour).
TEST(RateLimiterTest, WallClockStepBackDoesNotFreezeABucket) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{2, 4}, clock};
  for (int i = 0; i < 4; ++i) limiter.take("a");
  clock.step_wall(-1h);
  clock.advance(500ms);  // one token
  EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_FALSE(limiter.take("a").allowed);
}

// Nor does a step forward fill it: no time passed for the client.
TEST(RateLimiterTest, WallClockStepForwardDoesNotRefill) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{2, 4}, clock};
  for (int i = 0; i < 4; ++i) limiter.take("a");
  clock.step_wall(1h);
  auto refused = limiter.take("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
}

// The login limit (one per 5 s) tells the client to wait 5 s.
TEST(RateLimiterTest, SlowRatesGiveLongerRetryAfter) {
  ManualClock clock;
  RateLimiter limiter{"login", BucketSettings{0.2, 1}, clock};
  EXPECT_TRUE(limiter.take("ip").allowed);
  auto refused = limiter.take("ip");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 5s);
  clock.advance(2s);
  EXPECT_EQ(limiter.take("ip").retry_after, 3s);
}

// Each key has its own bucket.
TEST(RateLimiterTest, KeysAreIndependent) {
  ManualClock clock;
  RateLimiter limiter{"user", BucketSettings{1, 1}, clock};
  EXPECT_TRUE(limiter.take("user01").allowed);
  EXPECT_FALSE(limiter.take("user01").allowed);
  EXPECT_TRUE(limiter.take("user02").allowed);
}

// Rate 0 disables the limit.
TEST(RateLimiterTest, ZeroRateDisables) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{0, 0}, clock};
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.take("a").allowed);
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

// Memory stays bounded: full buckets are forgotten when the table is full.
TEST(RateLimiterTest, TrackedKeysAreBounded) {
  ManualClock clock;
  RateLimiter limiter{"ip", BucketSettings{10, 10}, clock, 100};
  for (int i = 0; i < 1000; ++i) {
    limiter.take("client-" + std::to_string(i));
    clock.advance(1s);
  }
  EXPECT_LE(limiter.tracked_keys(), 100u);
}

// IPv4 clients are limited per address; IPv6 ones per /64, whatever the spelling.
TEST(ClientRateKeyTest, Ipv6ClientsShareTheirSlash64) {
  EXPECT_EQ(client_rate_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(client_rate_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_rate_key("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_rate_key("2001:db8:1:2::"), "2001:db8:1:2::/64");
  EXPECT_NE(client_rate_key("2001:db8:1:3::1"), client_rate_key("2001:db8:1:2::1"));
  EXPECT_EQ(client_rate_key("::1"), "0:0:0:0::/64");
  EXPECT_EQ(client_rate_key("fe80::1%eth0"), "fe80:0:0:0::/64");
  EXPECT_EQ(client_rate_key("::ffff:198.51.100.4"), "198.51.100.4");
  EXPECT_EQ(client_rate_key(""), "");
  EXPECT_EQ(client_rate_key("not-an-address"), "not-an-address");
}

// A client hopping between addresses of its /64 still drains one bucket.
TEST(ClientRateKeyTest, RotatingThroughAPrefixGainsNothing) {
  ManualClock clock;
  RateLimiter limiter{"login", BucketSettings{0.2, 2}, clock};
  EXPECT_TRUE(limiter.take(client_rate_key("2001:db8:7:7::1")).allowed);
  EXPECT_TRUE(limiter.take(client_rate_key("2001:db8:7:7::2")).allowed);
  EXPECT_FALSE(limiter.take(client_rate_key("2001:db8:7:7:1234:5678:9abc:def0")).allowed);
  EXPECT_TRUE(limiter.take(client_rate_key("2001:db8:7:8::1")).allowed) << "another /64";
}
