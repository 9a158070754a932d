// RedisClient against the shared test Redis: what each helper sends and gives back,
// binary-safe values, server errors, Lua, database selection, and many coroutines on a
// two-thread io_context sharing one client.
#include "cache/redis_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/parallel_group.hpp>

#include <atomic>
#include <optional>
#include <set>
#include <thread>

#include "integration/cache/cache_test_support.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::cache {
namespace {

namespace asio = boost::asio;
using testing::current_io_context;
using testing::deadline_in;
using testing::sleep_for;
using namespace std::chrono_literals;

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override { test_support::flush_redis(); }
};

// A value stored with SET comes back from GET; DEL removes it and reports it existed.
CO_TEST_F(RedisClientTest, SetGetDelRoundTrip) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  CO_ASSERT_TRUE((co_await client.set("bill:1", "42000", 10s, deadline_in(2s))).has_value());
  auto value = co_await client.get("bill:1", deadline_in(2s));
  CO_ASSERT(EXPECT_TRUE(value.has_value()) << value.error());
  EXPECT_EQ(*value, std::optional<std::string>{"42000"});
  EXPECT_TRUE(client.is_connected());

  EXPECT_EQ((co_await client.del("bill:1", deadline_in(2s))).value(), 1);
  EXPECT_EQ((co_await client.del("bill:1", deadline_in(2s))).value(), 0);
  EXPECT_EQ((co_await client.get("bill:1", deadline_in(2s))).value(), std::nullopt);
}

// With one I/O thread (RedisOptions::one_io_thread, the services' default) a command runs
// inline on that thread: the same replies as through the strand, in the same order.
CO_TEST_F(RedisClientTest, OnOneIoThreadCommandsRunInlineWithTheSameReplies) {
  RedisOptions options;
  options.one_io_thread = true;
  RedisClient client{*co_await current_io_context(), test_support::redis_url(), options};
  CO_ASSERT_TRUE((co_await client.set("bill:1", "42000", 10s, deadline_in(2s))).has_value());
  EXPECT_EQ((co_await client.get("bill:1", deadline_in(2s))).value(), "42000");
  EXPECT_EQ((co_await client.incr("count", deadline_in(2s))).value(), 1);
  EXPECT_EQ((co_await client.incrby("count", 41, deadline_in(2s))).value(), 42);
  EXPECT_EQ((co_await client.incr("bill:1", deadline_in(2s))).value(), 42001);
  auto listed = co_await client.command(redis_args("LPUSH", "list", "a"), deadline_in(2s));
  CO_ASSERT_TRUE(listed.has_value());
  auto not_a_string = co_await client.get("list", deadline_in(2s));
  CO_ASSERT_FALSE(not_a_string.has_value());
  EXPECT_EQ(not_a_string.error().kind, RedisErrorKind::kServer);
  EXPECT_EQ((co_await client.del("bill:1", deadline_in(2s))).value(), 1);
  EXPECT_EQ((co_await client.get("bill:1", deadline_in(2s))).value(), std::nullopt);
}

// one_io_thread, but the caller runs on another thread (another io_context): its command
// still hops onto the client's io_context, so hiredis is never touched from two threads.
TEST_F(RedisClientTest, OnOneIoThreadACommandFromAnotherThreadStillHops) {
  asio::io_context client_io{1};
  auto guard = asio::make_work_guard(client_io);
  RedisOptions options;
  options.one_io_thread = true;
  std::optional<RedisClient> client_holder;
  client_holder.emplace(client_io, test_support::redis_url(), options);
  auto& client = *client_holder;
  std::thread client_thread{[&] { client_io.run(); }};

  asio::io_context caller_io{1};
  std::set<std::thread::id> reply_threads;
  auto body = [&]() -> asio::awaitable<void> {
    for (int round = 0; round < 50; ++round) {
      auto key = "foreign:" + std::to_string(round);
      auto stored = co_await client.set(key, std::to_string(round), 10s, deadline_in(5s));
      EXPECT_TRUE(stored.has_value());
      auto read = co_await client.get(key, deadline_in(5s));
      EXPECT_EQ(read.value(), std::to_string(round));
      reply_threads.insert(std::this_thread::get_id());
    }
  };
  test_support::run_coroutine(caller_io, body());
  client_holder.reset();  // stops the connection on its thread; then run() can return
  guard.reset();
  client_thread.join();
  // The caller resumed on its own thread every time.
  EXPECT_EQ(reply_threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

// A key set with a TTL is gone after it; one set with ttl 0 has no expiry.
CO_TEST_F(RedisClientTest, TtlExpiresTheKey) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  CO_ASSERT_TRUE((co_await client.set("short", "v", 100ms, deadline_in(2s))).has_value());
  CO_ASSERT_TRUE((co_await client.set("forever", "v", 0ms, deadline_in(2s))).has_value());
  auto ttl = co_await client.command(redis_args("PTTL", "short"), deadline_in(2s));
  CO_ASSERT_TRUE(ttl.has_value());
  EXPECT_GT(ttl->integer(), 0);
  EXPECT_LE(ttl->integer(), 100);
  EXPECT_EQ((co_await client.command(redis_args("PTTL", "forever"), deadline_in(2s)))->integer(),
            -1);

  co_await sleep_for(250ms);
  EXPECT_EQ((co_await client.get("short", deadline_in(2s))).value(), std::nullopt);
  EXPECT_TRUE((co_await client.get("forever", deadline_in(2s))).value().has_value());
}

// EXPIRE (PEXPIRE) applies to an existing key only.
CO_TEST_F(RedisClientTest, ExpireReportsWhetherTheKeyExists) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  CO_ASSERT_TRUE((co_await client.set("session", "s", 0ms, deadline_in(2s))).has_value());
  EXPECT_EQ((co_await client.expire("session", 100ms, deadline_in(2s))).value(), true);
  EXPECT_EQ((co_await client.expire("missing", 100ms, deadline_in(2s))).value(), false);
  co_await sleep_for(250ms);
  EXPECT_EQ((co_await client.get("session", deadline_in(2s))).value(), std::nullopt);
}

// SET NX stores only the first value (locks, request coalescing).
CO_TEST_F(RedisClientTest, SetIfAbsentKeepsTheFirstValue) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  EXPECT_EQ((co_await client.set_if_absent("lock", "first", 5s, deadline_in(2s))).value(), true);
  EXPECT_EQ((co_await client.set_if_absent("lock", "second", 5s, deadline_in(2s))).value(), false);
  EXPECT_EQ((co_await client.get("lock", deadline_in(2s))).value(), "first");
}

// INCR counts from zero; INCRBY takes negative steps; integers come back as integers.
CO_TEST_F(RedisClientTest, IncrementsReturnTheNewValue) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  EXPECT_EQ((co_await client.incr("attempts", deadline_in(2s))).value(), 1);
  EXPECT_EQ((co_await client.incr("attempts", deadline_in(2s))).value(), 2);
  EXPECT_EQ((co_await client.incrby("attempts", 10, deadline_in(2s))).value(), 12);
  EXPECT_EQ((co_await client.incrby("attempts", -20, deadline_in(2s))).value(), -8);
  EXPECT_EQ((co_await client.get("attempts", deadline_in(2s))).value(), "-8");
}

// Values with NUL bytes, CR/LF and Korean UTF-8 survive byte for byte, keys too.
CO_TEST_F(RedisClientTest, ValuesAndKeysAreBinarySafe) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  const std::string binary{"\0a\r\n\0\xff", 6};
  const std::string korean = "요금제 변경: 5G 프리미엄 \xF0\x9F\x93\xB1";
  const std::string key{"key\0with nul", 12};
  CO_ASSERT_TRUE((co_await client.set(key, binary, 10s, deadline_in(2s))).has_value());
  CO_ASSERT_TRUE((co_await client.set("korean", korean, 10s, deadline_in(2s))).has_value());

  auto binary_back = (co_await client.get(key, deadline_in(2s))).value();
  CO_ASSERT_TRUE(binary_back.has_value());
  EXPECT_EQ(binary_back->size(), 6u);
  EXPECT_EQ(*binary_back, binary);
  EXPECT_EQ((co_await client.get("korean", deadline_in(2s))).value(), korean);
  EXPECT_EQ((co_await client.get(std::string{"key"}, deadline_in(2s))).value(), std::nullopt);
}

// Array replies keep order and element kinds, nils included.
CO_TEST_F(RedisClientTest, ArrayRepliesKeepOrderAndNils) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  auto months = redis_args("RPUSH", "months", "2026-11", "2026-10", "2026-09");
  auto pushed = co_await client.command(std::move(months), deadline_in(2s));
  EXPECT_EQ(pushed.value(), RedisReply::from_integer(3));
  auto range = co_await client.command(redis_args("LRANGE", "months", 0, -1), deadline_in(2s));
  EXPECT_EQ(range.value(), RedisReply::from_array({RedisReply::from_string("2026-11"),
                                                   RedisReply::from_string("2026-10"),
                                                   RedisReply::from_string("2026-09")}));

  CO_ASSERT_TRUE((co_await client.set("a", "1", 10s, deadline_in(2s))).has_value());
  auto values = co_await client.command(redis_args("MGET", "a", "missing"), deadline_in(2s));
  EXPECT_EQ(values.value(), RedisReply::from_array({RedisReply::from_string("1"), RedisReply{}}));
  EXPECT_EQ((co_await client.command(redis_args("LRANGE", "none", 0, -1), deadline_in(2s))).value(),
            RedisReply::from_array({}));
}

// An error reply is a kServer error carrying Redis's text; the connection stays usable.
CO_TEST_F(RedisClientTest, WrongTypeIsAServerError) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  CO_ASSERT_TRUE((co_await client.set("text", "not a number", 10s, deadline_in(2s))).has_value());

  auto pushed = co_await client.command(redis_args("LPUSH", "text", "x"), deadline_in(2s));
  CO_ASSERT_FALSE(pushed.has_value());
  EXPECT_EQ(pushed.error().kind, RedisErrorKind::kServer);
  EXPECT_EQ(pushed.error().message.rfind("WRONGTYPE", 0), 0u) << pushed.error().message;

  auto incremented = co_await client.incr("text", deadline_in(2s));
  CO_ASSERT_FALSE(incremented.has_value());
  EXPECT_EQ(incremented.error().kind, RedisErrorKind::kServer);

  auto unknown = co_await client.command(redis_args("NOSUCHCOMMAND"), deadline_in(2s));
  CO_ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, RedisErrorKind::kServer);
  EXPECT_EQ((co_await client.get("text", deadline_in(2s))).value(), "not a number");
}

// A helper that gets a reply of the wrong shape says so instead of guessing.
CO_TEST_F(RedisClientTest, GetOfAListIsAnError) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  auto pushed = co_await client.command(redis_args("RPUSH", "list", "x"), deadline_in(2s));
  CO_ASSERT_TRUE(pushed.has_value());
  auto value = co_await client.get("list", deadline_in(2s));
  CO_ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().kind, RedisErrorKind::kServer);
}

// A Lua script runs atomically with its keys and arguments: a fixed-window rate limit.
CO_TEST_F(RedisClientTest, EvalRunsALuaScript) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  constexpr std::string_view kRateLimit = R"lua(
    local count = redis.call('INCR', KEYS[1])
    if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    if count > tonumber(ARGV[2]) then return {0, count} end
    return {1, count})lua";
  std::vector<std::string> keys{"rate:user01"};
  std::vector<std::string> args{"60000", "2"};
  std::vector<std::int64_t> allowed;
  for (int request = 0; request < 3; ++request) {
    auto reply = co_await client.eval(kRateLimit, keys, args, deadline_in(2s));
    CO_ASSERT(EXPECT_TRUE(reply.has_value()) << reply.error());
    CO_ASSERT_EQ(reply->elements().size(), 2u);
    allowed.push_back(reply->elements()[0].integer());
  }
  EXPECT_EQ(allowed, (std::vector<std::int64_t>{1, 1, 0}));

  std::vector<std::string> no_keys;
  std::vector<std::string> no_args;
  auto failing =
      co_await client.eval("return redis.call('NOPE')", no_keys, no_args, deadline_in(2s));
  CO_ASSERT_FALSE(failing.has_value());
  EXPECT_EQ(failing.error().kind, RedisErrorKind::kServer);
}

// PUBLISH reports how many subscribers got the message: none here.
CO_TEST_F(RedisClientTest, PublishWithoutSubscribersReachesNobody) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  EXPECT_EQ((co_await client.publish("nobody-listens", "hello", deadline_in(2s))).value(), 0);
}

// The /db part of the URL selects the database: a key set in database 0 is invisible
// from this process's own test database (redis_url() ends in /N, N >= 1).
CO_TEST_F(RedisClientTest, UrlDatabaseIsSelected) {
  auto& io = *co_await current_io_context();
  RedisClient own_database{io, test_support::redis_url()};
  RedisClient database_zero{io, "redis://" + test_support::redis_host() + ":" +
                                    std::to_string(test_support::redis_port()) + "/0"};
  auto key = "where-" + std::to_string(::getpid());
  CO_ASSERT_TRUE((co_await database_zero.set(key, "zero", 10s, deadline_in(2s))).has_value());
  EXPECT_EQ((co_await own_database.get(key, deadline_in(2s))).value(), std::nullopt);
  EXPECT_EQ((co_await database_zero.get(key, deadline_in(2s))).value(), "zero");
}

// Misuse is reported, not sent: an empty command, a deadline already in the past.
CO_TEST_F(RedisClientTest, EmptyCommandAndPastDeadlineFailAtOnce) {
  RedisClient client{*co_await current_io_context(), test_support::redis_url()};
  auto empty = co_await client.command({}, deadline_in(2s));
  CO_ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().kind, RedisErrorKind::kServer);

  auto late = co_await client.get("k", std::chrono::steady_clock::now() - 1ms);
  CO_ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().kind, RedisErrorKind::kTimeout);
}

// Coroutines on both threads of an io_context share one client: every reply reaches the
// coroutine that sent the command, and no increment is lost.
TEST_F(RedisClientTest, ConcurrentCommandsFromTwoThreadsGetTheirOwnReplies) {
  constexpr int kWorkers = 64;
  constexpr int kRoundsPerWorker = 20;
  asio::io_context io{2};
  RedisClient client{io, test_support::redis_url()};
  std::atomic<int> mismatches = 0;
  std::atomic<int> failures = 0;
  std::mutex threads_mutex;
  std::set<std::thread::id> threads_seen;

  auto worker = [&](int worker_index) -> asio::awaitable<void> {
    for (int round = 0; round < kRoundsPerWorker; ++round) {
      {
        std::lock_guard lock{threads_mutex};
        threads_seen.insert(std::this_thread::get_id());
      }
      const auto key = "worker:" + std::to_string(worker_index);
      const auto value = std::to_string(worker_index * 1000 + round);
      auto stored = co_await client.set(key, value, 10s, deadline_in(5s));
      auto read = co_await client.get(key, deadline_in(5s));
      auto counted = co_await client.incr("total", deadline_in(5s));
      if (!stored || !read || !counted)
        ++failures;
      else if (*read != value)
        ++mismatches;
    }
  };

  auto body = [&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    std::vector<decltype(asio::co_spawn(executor, worker(0), asio::deferred))> operations;
    for (int index = 0; index < kWorkers; ++index)
      operations.push_back(asio::co_spawn(executor, worker(index), asio::deferred));
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(operations))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const auto& error : errors) EXPECT_FALSE(error);
    EXPECT_EQ(order.size(), std::size_t{kWorkers});
    auto total = co_await client.get("total", deadline_in(5s));
    EXPECT_EQ(total.value(), std::to_string(kWorkers * kRoundsPerWorker));
  };
  test_support::run_coroutine_on_threads(io, body(), 2);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(threads_seen.size(), 2u) << "both io threads should have run commands";
}

}  // namespace
}  // namespace phonebill::cache
