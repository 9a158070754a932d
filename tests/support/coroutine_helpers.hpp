// Small helpers for coroutine test bodies (CO_TEST, run_coroutine): the io_context the
// body runs on, a pause, polling until a condition holds, and deadlines. Shared by the
// integration suites so each does not grow its own copy.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace phonebill::test_support {

// The io_context a CO_TEST body runs on (clients under test are built on it).
inline boost::asio::awaitable<boost::asio::io_context*> current_io_context() {
  auto executor = co_await boost::asio::this_coro::executor;
  co_return &static_cast<boost::asio::io_context&>(
      boost::asio::query(executor, boost::asio::execution::context));
}

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, duration};
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// Polls `condition` every `poll`; false if it is still false after `timeout`.
template <class Condition>
boost::asio::awaitable<bool> wait_until(Condition condition, std::chrono::milliseconds timeout,
                                        std::chrono::milliseconds poll = std::chrono::milliseconds{
                                            5}) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) co_return false;
    co_await sleep_for(poll);
  }
  co_return true;
}

inline std::chrono::steady_clock::time_point deadline_in(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

}  // namespace phonebill::test_support
