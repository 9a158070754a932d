// bill-inquiry's pure parts: month validation (SPEC §0, §5), the pagination object
// (SPEC §2), billInfo's shape, and request coalescing.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bill_service.hpp"
#include "bill_views.hpp"
#include "single_flight.hpp"

namespace phonebill::bill {
namespace {

const BillingMonth kCurrent{2026, 11};

std::optional<BillingMonth> check(std::optional<std::string> input, FieldErrors& errors) {
  return validate_month(input, kCurrent, errors);
}

// No month means the current one; both input forms are accepted.
TEST(ValidateMonthTest, DefaultsAndFormats) {
  FieldErrors errors;
  EXPECT_EQ(check(std::nullopt, errors), kCurrent);
  EXPECT_EQ(check("2026-10", errors), (BillingMonth{2026, 10}));
  EXPECT_EQ(check("202610", errors), (BillingMonth{2026, 10}));
  EXPECT_TRUE(errors.empty());
}

// The future, months older than 24, and other shapes are errors on inquiryMonth.
TEST(ValidateMonthTest, RejectsFutureOldAndMalformed) {
  for (const char* bad : {"2026-12", "2024-11", "2026-13", "26-11", "2026/11", ""}) {
    FieldErrors errors;
    EXPECT_FALSE(check(bad, errors)) << bad;
    ASSERT_EQ(errors.list().size(), 1u) << bad;
    EXPECT_EQ(errors.list()[0].field, "inquiryMonth");
  }
  FieldErrors errors;
  EXPECT_TRUE(check("2024-12", errors)) << "23 months back is still allowed";
}

// Unlimited allowances read "무제한"; money stays integer KRW.
TEST(BillInfoTest, ShowsUnlimitedAllowances) {
  kos::Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = kCurrent;
  bill.usage.data_mb = kos::UsageAmount{1200, kos::kUnlimited};
  bill.total_amount = 89000;
  auto info = bill_info(bill);
  EXPECT_EQ(info.at("billingMonth").as_string(), "2026-11");
  EXPECT_EQ(info.at("usage").at("data").at("allowance").as_string(), "무제한");
  EXPECT_EQ(info.at("totalAmount").as_int64(), 89000);
}

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
}  // namespace phonebill::bill
