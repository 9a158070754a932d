// RedisClient when Redis misbehaves: a blocked server (deadline, late reply dropped),
// a killed and restarted server (fail fast, reconnect by itself), nothing listening,
// a server that accepts but never answers, and the client destroyed mid-command.
// Each test runs its own redis-server or fake so it can break it.
#include "cache/redis_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "integration/cache/cache_test_support.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::cache {
namespace {

namespace asio = boost::asio;
using testing::current_io_context;
using testing::deadline_in;
using testing::PrivateRedisServer;
using testing::sleep_for;
using testing::wait_until;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The services' setting with one I/O thread (the default): commands run inline on the
// io_context's thread instead of hopping onto a strand. The tests below that take
// RedisOptions run in both modes.
RedisOptions one_io_thread() {
  RedisOptions options;
  options.one_io_thread = true;
  return options;
}

// Accepts TCP connections and never answers: a hung server, or a black-holed path.
class SilentServer {
 public:
  explicit SilentServer(asio::io_context& io)
      : acceptor_(io, asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  std::string url() const {
    return "redis://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int accepted() const { return static_cast<int>(sockets_.size()); }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error, asio::ip::tcp::socket socket) {
      if (error) return;
      sockets_.push_back(std::move(socket));
      accept();
    });
  }
  asio::ip::tcp::acceptor acceptor_;
  std::vector<asio::ip::tcp::socket> sockets_;
};

// While Redis is blocked (DEBUG SLEEP from another connection) a command ends at its
// deadline; its reply, arriving later, is dropped and the next command gets its own.
asio::awaitable<void> blocked_server_times_out_at_the_deadline(RedisOptions options) {
  PrivateRedisServer server;
  auto& io = *co_await current_io_context();
  RedisClient client{io, server.url(), options};
  RedisClient blocker{io, server.url(), options};
  CO_ASSERT_TRUE((co_await client.set("a", "first", 0ms, deadline_in(2s))).has_value());
  CO_ASSERT_TRUE((co_await client.set("b", "second", 0ms, deadline_in(2s))).has_value());
  CO_ASSERT_TRUE((co_await blocker.command(redis_args("PING"), deadline_in(2s))).has_value());

  bool sleep_done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto slept = co_await blocker.command(redis_args("DEBUG", "SLEEP", "1.5"), deadline_in(5s));
        EXPECT_TRUE(slept.has_value()) << slept.error();
        sleep_done = true;
      },
      asio::detached);
  co_await sleep_for(100ms);  // DEBUG SLEEP is now running on the server

  const auto started = Clock::now();
  auto blocked = co_await client.get("a", deadline_in(300ms));
  const auto waited = Clock::now() - started;
  CO_ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().kind, RedisErrorKind::kTimeout);
  EXPECT_GE(waited, 290ms);
  EXPECT_LT(waited, 1000ms) << "the command must not wait for the server";

  CO_ASSERT_TRUE(co_await wait_until([&] { return sleep_done; }, 5s));
  // The late "first" was the reply to the abandoned GET a: it must not leak into this one.
  EXPECT_EQ((co_await client.get("b", deadline_in(2s))).value(), "second");
  EXPECT_TRUE(client.is_connected());
}

CO_TEST(RedisClientFaults, BlockedServerTimesOutAtTheDeadline) {
  co_await blocked_server_times_out_at_the_deadline({});
}
CO_TEST(RedisClientFaultsOnOneIoThread, BlockedServerTimesOutAtTheDeadline) {
  co_await blocked_server_times_out_at_the_deadline(one_io_thread());
}

// A listener whose accept queue is full: a new connect hangs (its SYN is dropped) as
// towards a black-holed host, without a packet leaving the machine.
class FullBacklogListener {
 public:
  explicit FullBacklogListener(asio::io_context& io) : acceptor_(io) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen(0);
    for (int filler = 0; filler < 3; ++filler) {
      fillers_.emplace_back(io);
      fillers_.back().async_connect(acceptor_.local_endpoint(), [](boost::system::error_code) {});
    }
  }
  std::string url() const {
    return "redis://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  asio::ip::tcp::acceptor acceptor_;
  std::vector<asio::ip::tcp::socket> fillers_;
};

// Redis killed: commands fail fast with kDisconnected (callers degrade, SPEC §5);
// Redis back: the client reconnects by itself and commands work again.
CO_TEST(RedisClientFaults, ServerKilledFailsFastThenReconnects) {
  PrivateRedisServer server;
  auto& io = *co_await current_io_context();
  RedisClient client{io, server.url()};
  CO_ASSERT_TRUE((co_await client.set("k", "v", 0ms, deadline_in(2s))).has_value());
  CO_ASSERT_TRUE(client.is_connected());

  server.kill();
  CO_ASSERT_TRUE(co_await wait_until([&] { return !client.is_connected(); }, 5s));
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto started = Clock::now();
    auto result = co_await client.get("k", deadline_in(5s));
    CO_ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, RedisErrorKind::kDisconnected);
    EXPECT_LT(Clock::now() - started, 200ms) << "a down Redis must not cost the deadline";
    co_await sleep_for(100ms);
  }

  server.start();
  CO_ASSERT_TRUE(co_await wait_until([&] { return client.is_connected(); }, 5s));
  CO_ASSERT_TRUE((co_await client.set("k", "back", 0ms, deadline_in(2s))).has_value());
  EXPECT_EQ((co_await client.get("k", deadline_in(2s))).value(), "back");
}

// A command in flight when the server dies completes with kDisconnected, not at its deadline.
asio::awaitable<void> command_in_flight_when_server_dies(RedisOptions options) {
  PrivateRedisServer server;
  auto& io = *co_await current_io_context();
  RedisClient client{io, server.url(), options};
  CO_ASSERT_TRUE((co_await client.command(redis_args("PING"), deadline_in(2s))).has_value());

  // BLPOP holds the reply back until we kill the server underneath it.
  std::optional<RedisResult<RedisReply>> outcome;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        outcome = co_await client.command(redis_args("BLPOP", "never", 10), deadline_in(10s));
      },
      asio::detached);
  co_await sleep_for(100ms);
  const auto killed_at = Clock::now();
  server.kill();
  CO_ASSERT_TRUE(co_await wait_until([&] { return outcome.has_value(); }, 5s));
  EXPECT_LT(Clock::now() - killed_at, 2s);
  CO_ASSERT_FALSE(outcome->has_value());
  EXPECT_EQ(outcome->error().kind, RedisErrorKind::kDisconnected);
}

CO_TEST(RedisClientFaults, CommandInFlightWhenServerDiesIsDisconnected) {
  co_await command_in_flight_when_server_dies({});
}
CO_TEST(RedisClientFaultsOnOneIoThread, CommandInFlightWhenServerDiesIsDisconnected) {
  co_await command_in_flight_when_server_dies(one_io_thread());
}

// Credentials in the URL are sent (AUTH) before anything else; without them the server's
// NOAUTH comes back as a kServer error, not as a broken connection.
CO_TEST(RedisClientFaults, PasswordFromTheUrlAuthenticates) {
  PrivateRedisServer server{{"--requirepass", "s3cret"}};
  auto& io = *co_await current_io_context();
  const auto authenticated_url = "redis://:s3cret@127.0.0.1:" + std::to_string(server.port());
  RedisClient authenticated{io, authenticated_url + "/2"};
  RedisClient anonymous{io, server.url()};

  CO_ASSERT_TRUE((co_await authenticated.set("k", "v", 0ms, deadline_in(2s))).has_value());
  EXPECT_EQ((co_await authenticated.get("k", deadline_in(2s))).value(), "v");
  auto refused = co_await anonymous.get("k", deadline_in(2s));
  CO_ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, RedisErrorKind::kServer);
  EXPECT_EQ(refused.error().message.rfind("NOAUTH", 0), 0u) << refused.error().message;
  EXPECT_TRUE(anonymous.is_connected());
}

// Nothing listening from the start: commands fail with kDisconnected right away.
CO_TEST(RedisClientFaults, NothingListeningFailsFast) {
  auto& io = *co_await current_io_context();
  RedisClient client{io, "redis://127.0.0.1:" + std::to_string(test_support::find_free_port())};
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto started = Clock::now();
    auto result = co_await client.set("k", "v", 1s, deadline_in(5s));
    CO_ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, RedisErrorKind::kDisconnected);
    EXPECT_LT(Clock::now() - started, 500ms);
  }
  EXPECT_FALSE(client.is_connected());
}

// A server that accepts but never answers: each command times out at its deadline until
// enough do in a row; then the connection is dropped and commands fail fast.
CO_TEST(RedisClientFaults, UnresponsiveServerIsDroppedAfterRepeatedTimeouts) {
  auto& io = *co_await current_io_context();
  SilentServer silent{io};
  RedisOptions options;
  options.unresponsive_after_timeouts = 2;
  options.reconnect_initial_delay = 2s;  // hold the dropped state long enough to observe
  RedisClient client{io, silent.url(), options};

  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto started = Clock::now();
    auto result = co_await client.get("k", deadline_in(200ms));
    CO_ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, RedisErrorKind::kTimeout);
    EXPECT_GE(Clock::now() - started, 190ms);
  }
  EXPECT_FALSE(client.is_connected());
  const auto started = Clock::now();
  auto dropped = co_await client.get("k", deadline_in(2s));
  CO_ASSERT_FALSE(dropped.has_value());
  EXPECT_EQ(dropped.error().kind, RedisErrorKind::kDisconnected);
  EXPECT_LT(Clock::now() - started, 100ms);
  EXPECT_EQ(silent.accepted(), 1);
}

// A connect that hangs is abandoned at connect_timeout; the commands queued on it fail
// with kDisconnected well before their deadline, and later ones fail at once.
CO_TEST(RedisClientFaults, HangingConnectIsAbandoned) {
  auto& io = *co_await current_io_context();
  FullBacklogListener listener{io};
  co_await sleep_for(100ms);  // the fillers now occupy the accept queue
  RedisOptions options;
  options.connect_timeout = 300ms;
  RedisClient client{io, listener.url(), options};

  const auto started = Clock::now();
  auto queued = co_await client.get("k", deadline_in(5s));
  const auto waited = Clock::now() - started;
  CO_ASSERT_FALSE(queued.has_value());
  EXPECT_EQ(queued.error().kind, RedisErrorKind::kDisconnected);
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 2s);

  const auto again = Clock::now();
  auto later = co_await client.get("k", deadline_in(5s));
  CO_ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().kind, RedisErrorKind::kDisconnected);
  EXPECT_LT(Clock::now() - again, 100ms);
}

// Destroying the client completes its in-flight commands with kDisconnected.
asio::awaitable<void> destroyed_client_completes_commands_in_flight(RedisOptions options) {
  auto& io = *co_await current_io_context();
  SilentServer silent{io};
  auto client = std::make_unique<RedisClient>(io, silent.url(), options);
  std::optional<RedisResult<std::optional<std::string>>> outcome;
  asio::co_spawn(
      io,
      [&, raw = client.get()]() -> asio::awaitable<void> {
        outcome = co_await raw->get("k", deadline_in(10s));
      },
      asio::detached);
  CO_ASSERT_TRUE(co_await wait_until([&] { return silent.accepted() == 1; }, 2s));
  co_await sleep_for(50ms);
  client.reset();
  CO_ASSERT_TRUE(co_await wait_until([&] { return outcome.has_value(); }, 2s));
  CO_ASSERT_FALSE(outcome->has_value());
  EXPECT_EQ(outcome->error().kind, RedisErrorKind::kDisconnected);
}

CO_TEST(RedisClientFaults, DestroyedClientCompletesCommandsInFlight) {
  co_await destroyed_client_completes_commands_in_flight({});
}
CO_TEST(RedisClientFaultsOnOneIoThread, DestroyedClientCompletesCommandsInFlight) {
  co_await destroyed_client_completes_commands_in_flight(one_io_thread());
}

// The caller gives up first (its wait is cancelled by `||`): it resumes at once, the reply
// that comes later is dropped, and the next command still gets its own reply.
asio::awaitable<void> cancelled_caller_resumes_and_the_late_reply_is_dropped(RedisOptions options) {
  using namespace boost::asio::experimental::awaitable_operators;
  test_support::flush_redis();
  auto& io = *co_await current_io_context();
  RedisClient client{io, test_support::redis_url(), options};
  CO_ASSERT_TRUE((co_await client.set("after", "mine", 10s, deadline_in(2s))).has_value());

  const auto started = Clock::now();
  auto blpop = redis_args("BLPOP", "never", 1);  // the server answers nil after 1 s
  auto winner = co_await (client.command(std::move(blpop), deadline_in(5s)) || sleep_for(100ms));
  EXPECT_EQ(winner.index(), 1u) << "the timer should win";
  EXPECT_LT(Clock::now() - started, 600ms) << "cancellation must reach the command";

  // Queued behind the BLPOP on the same connection: answered once it returns.
  EXPECT_EQ((co_await client.get("after", deadline_in(3s))).value(), "mine");
}

CO_TEST(RedisClientFaults, CancelledCallerResumesAndTheLateReplyIsDropped) {
  co_await cancelled_caller_resumes_and_the_late_reply_is_dropped({});
}
CO_TEST(RedisClientFaultsOnOneIoThread, CancelledCallerResumesAndTheLateReplyIsDropped) {
  co_await cancelled_caller_resumes_and_the_late_reply_is_dropped(one_io_thread());
}

// A client destroyed while its io_context is not running leaves nothing behind
// (ASan's leak check runs at exit).
TEST(RedisClientLifetime, DestroyedBeforeTheLoopRunsLeaksNothing) {
  boost::asio::io_context io;
  { RedisClient client{io, test_support::redis_url()}; }
  io.run_for(200ms);
  {
    RedisClient client{io, test_support::redis_url()};
    io.run_for(200ms);  // connected, idle
  }
  SUCCEED();
}

}  // namespace
}  // namespace phonebill::cache
