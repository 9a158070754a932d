// Helpers for the cache integration tests: PrivateRedisServer (a redis-server of the
// test's own, to kill and restart without disturbing the shared one), deadline_in(),
// wait_until() and sleep_for() for coroutine bodies, and the io_context of a CO_TEST.
#pragma once
#include <hiredis/hiredis.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cache/redis_reply.hpp"
#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::cache::testing {

using namespace std::chrono_literals;

inline Deadline deadline_in(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

// The io_context a CO_TEST body runs on (clients are built on it).
inline boost::asio::awaitable<boost::asio::io_context*> current_io_context() {
  auto executor = co_await boost::asio::this_coro::executor;
  co_return &static_cast<boost::asio::io_context&>(
      boost::asio::query(executor, boost::asio::execution::context));
}

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, duration};
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// Polls `condition` every 10 ms; false if it is still false after `timeout`.
template <class Condition>
boost::asio::awaitable<bool> wait_until(Condition condition, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) co_return false;
    co_await sleep_for(10ms);
  }
  co_return true;
}

// A redis-server on a free loopback port with DEBUG enabled (DEBUG SLEEP blocks it).
// Start, kill and restart from the test's main thread (ChildProcess's rule). Blocking.
class PrivateRedisServer {
 public:
  // `extra_arguments` go to redis-server as given (e.g. {"--requirepass", "secret"}).
  explicit PrivateRedisServer(std::vector<std::string> extra_arguments = {})
      : port_(test_support::find_free_port()),
        directory_(test_support::make_temp_directory("cache-redis")),
        extra_arguments_(std::move(extra_arguments)) {
    start();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // Starts it (again, on the same port) and waits until it answers PING.
  void start() {
    std::vector<std::string> arguments{"--port", std::to_string(port_), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no",
                                       "--enable-debug-command", "yes", "--dir",
                                       directory_.string()};
    arguments.insert(arguments.end(), extra_arguments_.begin(), extra_arguments_.end());
    process_.emplace(test_support::ChildProcessOptions{
        .executable = "redis-server",
        .arguments = std::move(arguments),
        .log_path = (directory_ / "redis.log").string()});
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end && process_->is_running()) {
      if (answers_ping()) return;
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("private redis-server did not start: " + process_->read_log());
  }

  // SIGKILL: the server vanishes without a goodbye, as in a crash.
  void kill() {
    if (!process_) return;
    process_->send_signal(SIGKILL);
    process_->wait_for_exit(10s);
    process_.reset();
  }

 private:
  // Any reply counts: with --requirepass, PING answers -NOAUTH, which still means "up".
  bool answers_ping() const {
    timeval timeout{0, 200'000};
    std::unique_ptr<redisContext, decltype(&redisFree)> context{
        redisConnectWithTimeout("127.0.0.1", port_, timeout), &redisFree};
    if (context == nullptr || context->err != 0) return false;
    auto* reply = static_cast<redisReply*>(redisCommand(context.get(), "PING"));
    bool ok = reply != nullptr;
    if (reply != nullptr) freeReplyObject(reply);
    return ok;
  }

  std::uint16_t port_;
  std::filesystem::path directory_;
  std::vector<std::string> extra_arguments_;
  std::optional<test_support::ChildProcess> process_;
};

}  // namespace phonebill::cache::testing
