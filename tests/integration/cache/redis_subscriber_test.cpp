// RedisSubscriber: messages published on its channels arrive (binary-safe, others not),
// on_subscribed fires once per (re)subscription, a throwing handler does not stop
// delivery, and after a Redis restart it resubscribes by itself.
#include "cache/redis_subscriber.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

#include "cache/redis_client.hpp"
#include "integration/cache/cache_test_support.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::cache {
namespace {

using testing::current_io_context;
using testing::deadline_in;
using testing::PrivateRedisServer;
using testing::sleep_for;
using testing::wait_until;
using namespace std::chrono_literals;

using Messages = std::vector<std::pair<std::string, std::string>>;

// Handlers run on the io_context of the CO_TEST body (this thread), so plain members do.
struct Recorder {
  Messages messages;
  int subscriptions = 0;

  RedisSubscriber::MessageHandler on_message() {
    return [this](std::string_view channel, std::string_view message) {
      messages.emplace_back(channel, message);
    };
  }
  RedisSubscriber::SubscribedHandler on_subscribed() {
    return [this] { ++subscriptions; };
  }
};

// Messages on subscribed channels arrive in order and byte for byte; others do not.
CO_TEST(RedisSubscriberTest, DeliversMessagesOfItsChannels) {
  auto& io = *co_await current_io_context();
  Recorder recorder;
  RedisSubscriber subscriber{io,
                             test_support::redis_url(),
                             {"test:revoked", "test:keys"},
                             recorder.on_message(),
                             recorder.on_subscribed()};
  RedisClient publisher{io, test_support::redis_url()};
  CO_ASSERT_TRUE(co_await wait_until([&] { return subscriber.is_subscribed(); }, 5s));
  EXPECT_EQ(recorder.subscriptions, 1);

  const std::string binary{"jti\0\xff", 5};
  const std::string korean = "로그아웃";
  EXPECT_EQ((co_await publisher.publish("test:revoked", binary, deadline_in(2s))).value(), 1);
  EXPECT_EQ((co_await publisher.publish("test:other", "not for us", deadline_in(2s))).value(), 0);
  EXPECT_EQ((co_await publisher.publish("test:keys", korean, deadline_in(2s))).value(), 1);
  EXPECT_EQ((co_await publisher.publish("test:revoked", "second", deadline_in(2s))).value(), 1);

  CO_ASSERT_TRUE(co_await wait_until([&] { return recorder.messages.size() >= 3; }, 5s));
  co_await sleep_for(50ms);  // nothing else trickles in
  EXPECT_EQ(
      recorder.messages,
      (Messages{{"test:revoked", binary}, {"test:keys", korean}, {"test:revoked", "second"}}));
  EXPECT_EQ(recorder.subscriptions, 1);
}

// A handler that throws is logged; the next message is still delivered.
CO_TEST(RedisSubscriberTest, ThrowingHandlerDoesNotStopDelivery) {
  auto& io = *co_await current_io_context();
  Messages delivered;
  RedisSubscriber subscriber{io,
                             test_support::redis_url(),
                             {"test:throwing"},
                             [&](std::string_view channel, std::string_view message) {
                               delivered.emplace_back(channel, message);
                               if (message == "boom") throw std::runtime_error("handler bug");
                             }};
  RedisClient publisher{io, test_support::redis_url()};
  CO_ASSERT_TRUE(co_await wait_until([&] { return subscriber.is_subscribed(); }, 5s));
  for (const char* message : {"boom", "after"}) {
    auto published = co_await publisher.publish("test:throwing", message, deadline_in(2s));
    CO_ASSERT_TRUE(published.has_value());
  }
  CO_ASSERT_TRUE(co_await wait_until([&] { return delivered.size() == 2; }, 5s));
  EXPECT_EQ(delivered.back().second, "after");
  EXPECT_TRUE(subscriber.is_subscribed());
}

// Redis restarted: the subscriber reconnects, resubscribes, reports it (so the caller can
// resync what it missed) and receives messages again.
CO_TEST(RedisSubscriberTest, ResubscribesAfterRedisRestart) {
  PrivateRedisServer server;
  auto& io = *co_await current_io_context();
  Recorder recorder;
  RedisSubscriber subscriber{
      io, server.url(), {"revocations"}, recorder.on_message(), recorder.on_subscribed()};
  RedisClient publisher{io, server.url()};
  CO_ASSERT_TRUE(co_await wait_until([&] { return subscriber.is_subscribed(); }, 5s));
  CO_ASSERT_EQ((co_await publisher.publish("revocations", "before", deadline_in(2s))).value(), 1);
  CO_ASSERT_TRUE(co_await wait_until([&] { return recorder.messages.size() == 1; }, 5s));

  server.kill();
  CO_ASSERT_TRUE(co_await wait_until([&] { return !subscriber.is_subscribed(); }, 5s));
  co_await sleep_for(300ms);  // a few failed reconnect attempts
  EXPECT_EQ(recorder.subscriptions, 1);

  server.start();
  CO_ASSERT_TRUE(co_await wait_until([&] { return recorder.subscriptions == 2; }, 5s));
  EXPECT_TRUE(subscriber.is_subscribed());
  CO_ASSERT_TRUE(co_await wait_until([&] { return publisher.is_connected(); }, 5s));
  EXPECT_EQ((co_await publisher.publish("revocations", "after", deadline_in(2s))).value(), 1);
  CO_ASSERT_TRUE(co_await wait_until([&] { return recorder.messages.size() == 2; }, 5s));
  EXPECT_EQ(recorder.messages.back().second, "after");
}

// Destroyed while connected: no handler runs afterwards, nothing leaks.
CO_TEST(RedisSubscriberTest, DestroyedSubscriberStopsDelivering) {
  auto& io = *co_await current_io_context();
  Messages delivered;
  auto subscriber = std::make_unique<RedisSubscriber>(
      io, test_support::redis_url(), std::vector<std::string>{"test:gone"},
      [&](std::string_view channel, std::string_view message) {
        delivered.emplace_back(channel, message);
      });
  RedisClient publisher{io, test_support::redis_url()};
  CO_ASSERT_TRUE(co_await wait_until([&] { return subscriber->is_subscribed(); }, 5s));
  subscriber.reset();
  co_await sleep_for(50ms);
  EXPECT_EQ((co_await publisher.publish("test:gone", "late", deadline_in(2s))).value(), 0);
  co_await sleep_for(50ms);
  EXPECT_TRUE(delivered.empty());
}

// A subscriber needs a channel; an empty list is a programming error caught at once.
TEST(RedisSubscriberSetup, EmptyChannelListIsRejected) {
  boost::asio::io_context io;
  EXPECT_THROW((RedisSubscriber{io, test_support::redis_url(), {}, {}}), std::invalid_argument);
}

}  // namespace
}  // namespace phonebill::cache
