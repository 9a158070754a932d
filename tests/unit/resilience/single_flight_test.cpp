// SingleFlight (moved from bill-inquiry): concurrent callers of one key share one
// fetch; a fetch that throws reaches every waiter and frees the key.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>
#include <string_view>
#include <vector>

#include "resilience/single_flight.hpp"

namespace phonebill::resilience {
namespace {

// Concurrent callers of one key share one fetch; another key fetches on its own.
TEST(SingleFlightTest, CoalescesConcurrentCallers) {
  boost::asio::io_context io;
  SingleFlight<int> flights;
  int fetches = 0;
  std::vector<int> results;
  auto fetch = [&]() -> boost::asio::awaitable<int> {
    ++fetches;
    boost::asio::steady_timer timer{io, std::chrono::milliseconds{20}};
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return 42;
  };
  for (int i = 0; i < 5; ++i) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto outcome = co_await flights.run("bill:a", fetch);
          results.push_back(*outcome.value);
        },
        boost::asio::detached);
  }
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        auto outcome = co_await flights.run("bill:b", fetch);
        results.push_back(*outcome.value);
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(fetches, 2);
  EXPECT_EQ(results, std::vector<int>(6, 42));
  EXPECT_EQ(flights.in_flight(), 0u);
}

// A fetch that throws hands its exception to the caller and every waiter, and frees the
// key: nobody hangs, and the next caller runs a fresh fetch.
TEST(SingleFlightTest, ThrowingFetchReachesEveryWaiterAndFreesTheKey) {
  boost::asio::io_context io;
  SingleFlight<int> flights;
  int fetches = 0;
  int failures = 0;
  auto failing_fetch = [&]() -> boost::asio::awaitable<int> {
    ++fetches;
    boost::asio::steady_timer timer{io, std::chrono::milliseconds{20}};
    co_await timer.async_wait(boost::asio::use_awaitable);
    throw std::runtime_error{"kos exploded"};
  };
  for (int i = 0; i < 4; ++i) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          try {
            co_await flights.run("bill:a", failing_fetch);
          } catch (const std::runtime_error& error) {
            if (std::string_view{error.what()} == "kos exploded") ++failures;
          }
        },
        boost::asio::detached);
  }
  // Bounded: a hang fails the test instead of wedging it.
  io.run_for(std::chrono::seconds{5});
  EXPECT_EQ(fetches, 1);
  EXPECT_EQ(failures, 4);
  EXPECT_EQ(flights.in_flight(), 0u);

  io.restart();
  int value = 0;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        auto outcome =
            co_await flights.run("bill:a", []() -> boost::asio::awaitable<int> { co_return 7; });
        value = *outcome.value;
      },
      boost::asio::detached);
  io.run_for(std::chrono::seconds{5});
  EXPECT_EQ(value, 7);
}

}  // namespace
}  // namespace phonebill::resilience
