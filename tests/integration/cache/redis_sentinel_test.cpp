// Redis Sentinel in src/cache against real processes: a master, its replica and a
// sentinel of the test's own. Killing the master (SIGKILL) must move RedisClient and
// RedisSubscriber to the promoted replica by themselves, within a bound, with the
// subscriber resubscribed (and told so, the cue to resync revocations).
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <atomic>

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

// A sentinel of our own that names whatever port the test sets: a stale answer on demand.
class FakeSentinel {
 public:
  explicit FakeSentinel(boost::asio::io_context& io)
      : acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void name(std::uint16_t master_port) { master_port_ = master_port; }
  int questions() const { return questions_; }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error,
                                  boost::asio::ip::tcp::socket socket) {
      if (error) return;
      auto peer = std::make_shared<boost::asio::ip::tcp::socket>(std::move(socket));
      auto buffer = std::make_shared<std::array<char, 256>>();
      peer->async_read_some(
          boost::asio::buffer(*buffer),
          [this, peer, buffer](boost::system::error_code read_error, std::size_t) {
            if (read_error) return;
            ++questions_;
            const auto port = std::to_string(master_port_);
            auto reply =
                std::make_shared<std::string>("*2\r\n$9\r\n127.0.0.1\r\n$" +
                                              std::to_string(port.size()) + "\r\n" + port + "\r\n");
            boost::asio::async_write(*peer, boost::asio::buffer(*reply),
                                     [peer, reply](boost::system::error_code, std::size_t) {});
          });
      accept();
    });
  }
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t master_port_ = 0;
  int questions_ = 0;
};

// The sentinels may name a server that is no longer (or not yet) the master. The client
// checks ROLE, leaves a replica, and asks again until it is given the master.
CO_TEST(RedisSentinel, StaleAnswerNamingAReplicaIsNotTrusted) {
  PrivateRedisServer master;
  PrivateRedisServer replica{{"--replicaof", "127.0.0.1", std::to_string(master.port())}};
  auto& io = *co_await current_io_context();
  FakeSentinel sentinel{io};
  sentinel.name(replica.port());
  RedisClient client{
      io, "redis-sentinel://127.0.0.1:" + std::to_string(sentinel.port()) + "/" + kMaster};
  co_await sleep_for(1500ms);
  EXPECT_GE(sentinel.questions(), 2) << "the client stayed on the replica";
  EXPECT_FALSE((co_await client.set("k", "on-replica", 0ms, deadline_in(1s))).has_value());

  sentinel.name(master.port());
  CO_ASSERT_TRUE(co_await wait_until(
      [&] { return client.is_connected() && redis_query(master.port(), {"PING"}) == "PONG"; }, 5s));
  bool written = false;
  for (int attempt = 0; attempt < 20 && !written; ++attempt) {
    written = (co_await client.set("k", "on-master", 0ms, deadline_in(1s))).has_value();
    if (!written) co_await sleep_for(100ms);
  }
  CO_ASSERT_TRUE(written);
  EXPECT_EQ(redis_query(master.port(), {"GET", "k"}), "on-master");
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
