// The rate-limit scripts on a real Redis (RedisSharedBuckets): GCRA decisions as a token
// bucket's, the script sent once and then run by SHA-1 (and sent again after SCRIPT
// FLUSH, as after a restart), shared balances that take batches and go into debt down to
// -burst, and keys that expire by themselves once their bucket would be full.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cache/redis_client.hpp"
#include "redis_shared_buckets.hpp"
#include "support/coroutine_helpers.hpp"
#include "support/coroutine_test.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;
using cache::redis_args;
using cache::RedisClient;
using test_support::current_io_context;

namespace {

class RedisSharedBucketsTest : public ::testing::Test {
 protected:
  void SetUp() override { test_support::flush_redis(); }
};

Deadline soon() { return deadline_after(2s); }

// How many times Redis ran `command` (INFO commandstats), to tell EVALSHA from EVAL.
boost::asio::awaitable<long> calls_of(RedisClient& client, const std::string& command) {
  auto info = co_await client.command(redis_args("INFO", "commandstats"), soon());
  if (!info || !info->is_string()) co_return -1;
  auto at = info->text().find("cmdstat_" + command + ":calls=");
  if (at == std::string::npos) co_return 0;
  co_return std::stol(info->text().substr(at + command.size() + 15));
}

}  // namespace

// Burst 3 at 0.5/s: three pass, the fourth waits 2 s; the tokens left count down; the
// key lives about as long as the bucket takes to fill (3 x 2 s), not forever.
CO_TEST_F(RedisSharedBucketsTest, ExactBucketDecidesLikeATokenBucket) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  RedisSharedBuckets buckets{client, 500ms};
  BucketSettings settings{0.5, 3};
  std::vector<double> left;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto decision = co_await buckets.take_exact("login", settings, "192.0.2.1");
    CO_ASSERT_TRUE(decision.has_value());
    EXPECT_TRUE(decision->allowed) << attempt;
    left.push_back(decision->remaining);
  }
  EXPECT_EQ(left, (std::vector<double>{2, 1, 0}));
  auto refused = co_await buckets.take_exact("login", settings, "192.0.2.1");
  CO_ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->retry_after, 2s);
  EXPECT_EQ(refused->until_full, 6s);
  auto other = co_await buckets.take_exact("login", settings, "192.0.2.2");
  EXPECT_TRUE(other && other->allowed) << "each address its own bucket";

  auto ttl = co_await client.command(
      redis_args("PTTL", RedisSharedBuckets::redis_key("login", "192.0.2.1")), soon());
  CO_ASSERT_TRUE(ttl.has_value());
  EXPECT_GT(ttl->integer(), 5000);
  EXPECT_LE(ttl->integer(), 6001);
}

// The script goes to Redis once; later calls are EVALSHA. After SCRIPT FLUSH (what a
// restart does) the next call still succeeds, sending the script again.
CO_TEST_F(RedisSharedBucketsTest, ScriptsRunBySha1AndSurviveAFlush) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  RedisSharedBuckets buckets{client, 500ms};
  BucketSettings settings{0.01, 100};  // no refill during the test
  CO_ASSERT_TRUE((co_await buckets.take_exact("refresh", settings, "k")).has_value());
  auto evals = co_await calls_of(client, "eval");
  auto shas = co_await calls_of(client, "evalsha");
  for (int call = 0; call < 5; ++call)
    CO_ASSERT_TRUE((co_await buckets.take_exact("refresh", settings, "k")).has_value());
  EXPECT_EQ(co_await calls_of(client, "eval"), evals) << "no script sent again";
  EXPECT_EQ(co_await calls_of(client, "evalsha"), shas + 5);

  CO_ASSERT_TRUE((co_await client.command(redis_args("SCRIPT", "FLUSH"), soon())).has_value());
  auto after = co_await buckets.take_exact("refresh", settings, "k");
  CO_ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->allowed);
  EXPECT_EQ(after->remaining, 100 - 7) << "the bucket's state is kept";
  EXPECT_EQ(co_await calls_of(client, "eval"), evals + 1);
}

// A round's batch: each key's consumption comes off its shared balance, the answer is the
// balance after, in order; overspending goes into debt, never below -burst.
CO_TEST_F(RedisSharedBucketsTest, ExchangeTakesABatchAndAnswersTheBalances) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  RedisSharedBuckets buckets{client, 500ms};
  BucketSettings settings{0.001, 20};  // refill negligible during the test
  std::vector<BucketUse> first{{"a", 5}, {"b", 0}, {"c", 50}};
  auto balances = co_await buckets.exchange("ip", settings, first);
  CO_ASSERT_TRUE(balances.has_value());
  CO_ASSERT_EQ(balances->size(), 3u);
  EXPECT_NEAR((*balances)[0], 15, 0.01);
  EXPECT_NEAR((*balances)[1], 20, 0.01);
  EXPECT_NEAR((*balances)[2], -20, 0.01) << "debt floored at -burst";
  std::vector<BucketUse> second{{"a", 4}};
  auto again = co_await buckets.exchange("ip", settings, second);
  CO_ASSERT_TRUE(again.has_value());
  EXPECT_NEAR(again->at(0), 11, 0.01) << "another gateway's consumption adds up";

  std::vector<BucketUse> many;
  for (int index = 0; index < 600; ++index) many.push_back({"key-" + std::to_string(index), 1});
  auto large = co_await buckets.exchange("user", settings, many);
  CO_ASSERT_TRUE(large.has_value());
  EXPECT_EQ(large->size(), 600u) << "three script calls of at most 256 keys";
  auto ttl =
      co_await client.command(redis_args("PTTL", RedisSharedBuckets::redis_key("ip", "b")), soon());
  CO_ASSERT_TRUE(ttl.has_value());
  EXPECT_GT(ttl->integer(), 0) << "every key expires";
}

// Nothing listens: both operations answer nullopt within their timeout.
CO_TEST_F(RedisSharedBucketsTest, UnreachableRedisAnswersNothingQuickly) {
  RedisClient client{*co_await current_io_context(), "redis://127.0.0.1:1"};
  RedisSharedBuckets buckets{client, 50ms};
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE((co_await buckets.take_exact("login", BucketSettings{1, 1}, "k")).has_value());
  std::vector<BucketUse> uses{{"k", 1}};
  EXPECT_FALSE((co_await buckets.exchange("ip", BucketSettings{1, 1}, uses)).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
}
