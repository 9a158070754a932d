// Redis Sentinel in src/cache against real processes: a master, its replica and a
// sentinel of the test's own. Killing the master (SIGKILL) must move RedisClient and
// RedisSubscriber to the promoted replica by themselves, within a bound, with the
// subscriber resubscribed (and told so, the cue to resync revocations).
#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "cache/redis_subscriber.hpp"
#include "integration/cache/cache_test_support.hpp"
#include "support/coroutine_test.hpp"
#include "support/private_redis_sentinel.hpp"

namespace phonebill::cache {
namespace {

using test_support::PrivateRedisSentinel;
using test_support::redis_info_field;
using test_support::redis_query;
using test_support::wait_blocking;
using testing::current_io_context;
using testing::deadline_in;
using testing::PrivateRedisServer;
using testing::sleep_for;
using testing::wait_until;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kMaster = "pbtest";

// True once the sentinel knows `count` replicas of the master (a failover needs one).
bool sentinel_knows_replicas(std::uint16_t sentinel_port, int count) {
  auto fields = redis_query(sentinel_port, {"SENTINEL", "master", kMaster}).value_or("");
  return fields.find("num-slaves\n" + std::to_string(count)) != std::string::npos;
}

CO_TEST(RedisSentinel, ClientAndSubscriberFollowTheMasterAfterItIsKilled) {
  PrivateRedisServer master;
  PrivateRedisServer replica{{"--replicaof", "127.0.0.1", std::to_string(master.port())}};
  CO_ASSERT_TRUE(wait_blocking(
      [&] { return redis_info_field(replica.port(), "replication", "master_link_status") == "up"; },
      10s));
  PrivateRedisSentinel sentinel{kMaster, master.port()};
  CO_ASSERT_TRUE(wait_blocking([&] { return sentinel_knows_replicas(sentinel.port(), 1); }, 15s))
      << sentinel.log();

  // The first sentinel listed is down: the client must ask the next one.
  const auto url = "redis-sentinel://127.0.0.1:" + std::to_string(test_support::find_free_port()) +
                   ",127.0.0.1:" + std::to_string(sentinel.port()) + "/" + kMaster;
  auto& io = *co_await current_io_context();
  RedisClient client{io, url};
  // Unlike a redis:// client, no command queues while the sentinels are being asked.
  CO_ASSERT_TRUE(co_await wait_until([&] { return client.is_connected(); }, 5s));
  CO_ASSERT_TRUE((co_await client.set("k", "before", 0ms, deadline_in(3s))).has_value());
  std::vector<std::string> messages;
  int subscriptions = 0;
  RedisSubscriber subscriber{
      io,
      url,
      {"revocations"},
      [&](std::string_view, std::string_view message) { messages.emplace_back(message); },
      [&] { ++subscriptions; }};
  CO_ASSERT_TRUE(co_await wait_until([&] { return subscriber.is_subscribed(); }, 5s));
  CO_ASSERT_EQ(subscriptions, 1);

  master.kill();
  const auto killed = Clock::now();
  bool written = false;
  while (!written && Clock::now() - killed < 20s) {
    written = (co_await client.set("k", "after", 0ms, deadline_in(1s))).has_value();
    if (!written) co_await sleep_for(100ms);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed);
  CO_ASSERT_TRUE(written) << sentinel.log();
  // down-after 1 s, then the promotion: the write lands well inside the SPEC's 10 s.
  EXPECT_LT(took, 10s);
  RecordProperty("failover_ms", static_cast<int>(took.count()));
  EXPECT_EQ(redis_info_field(replica.port(), "replication", "role"), "master");
  EXPECT_EQ(redis_query(replica.port(), {"GET", "k"}), "after");

  // The subscriber is on the new master too, said so once more, and hears what is published.
  CO_ASSERT_TRUE(
      co_await wait_until([&] { return subscriber.is_subscribed() && subscriptions >= 2; }, 10s));
  CO_ASSERT_TRUE((co_await client.publish("revocations", "token-1", deadline_in(2s))).has_value());
  CO_ASSERT_TRUE(co_await wait_until([&] { return !messages.empty(); }, 5s));
  EXPECT_EQ(messages.front(), "token-1");
}

// No sentinel answers: commands fail fast (the caller degrades, SPEC §5), never hang.
CO_TEST(RedisSentinel, NoSentinelReachableFailsFast) {
  auto& io = *co_await current_io_context();
  RedisClient client{io, "redis-sentinel://127.0.0.1:" +
                             std::to_string(test_support::find_free_port()) + "/" + kMaster};
  co_await sleep_for(300ms);
  const auto started = Clock::now();
  auto result = co_await client.get("k", deadline_in(5s));
  CO_ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, RedisErrorKind::kDisconnected);
  EXPECT_LT(Clock::now() - started, 500ms);
}

}  // namespace
}  // namespace phonebill::cache
