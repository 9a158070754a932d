// Helpers for the security integration tests: the CO_TEST body's io_context, polling
// waits, per-test unique Redis names (the shared test Redis is also used — and flushed —
// by other suites running in parallel), and PrivateRedis, a redis-server of our own.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "security/random_token.hpp"
#include "security/revocation_set.hpp"
#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::security::testing {

using namespace std::chrono_literals;

inline boost::asio::awaitable<boost::asio::io_context*> current_io_context() {
  auto executor = co_await boost::asio::this_coro::executor;
  co_return &static_cast<boost::asio::io_context&>(
      boost::asio::query(executor, boost::asio::execution::context));
}

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, duration};
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// Polls `condition` every 5 ms; false if it is still false after `timeout`.
template <class Condition>
boost::asio::awaitable<bool> wait_until(Condition condition, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) co_return false;
    co_await sleep_for(5ms);
  }
  co_return true;
}

inline cache::Deadline deadline_in(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

// A key prefix and channel no other test or suite uses.
inline RevocationChannel unique_channel() {
  const auto tag = "test:" + generate_token_id() + ":";
  return RevocationChannel{.key_prefix = tag + "revoked:", .channel = tag + "revocations"};
}

// A redis-server on a free loopback port, for tests that cut its connections. Start it
// from the test's thread (ChildProcess's rule). Blocking.
class PrivateRedis {
 public:
  PrivateRedis()
      : port_(test_support::find_free_port()),
        directory_(test_support::make_temp_directory("security-redis")) {
    process_.emplace(test_support::ChildProcessOptions{
        .executable = "redis-server",
        .arguments = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no", "--dir", directory_.string()},
        .log_path = (directory_ / "redis.log").string()});
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_;
  std::filesystem::path directory_;
  std::optional<test_support::ChildProcess> process_;
};

}  // namespace phonebill::security::testing
