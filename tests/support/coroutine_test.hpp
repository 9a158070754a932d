// Coroutine test bodies for gtest (STYLE §10): CO_TEST / CO_TEST_F run the body as an
// Asio coroutine on a fresh io_context until it finishes; run_coroutine does the same
// for any awaitable. gtest's ASSERT_* `return`, which a coroutine cannot: use
// CO_ASSERT_TRUE / _EQ / ... (with `<< "detail"` as usual) or CO_ASSERT(EXPECT_...),
// which co_return instead.
//
//   CO_TEST(PgPoolTest, RunsAQuery) {
//     auto executor = co_await boost::asio::this_coro::executor;
//     ...
//     CO_ASSERT_TRUE(rows);
//   }
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace phonebill::test_support {

inline constexpr std::chrono::seconds kCoroutineTestTimeout{120};

// Runs `body` on `io` (on this thread) until it finishes and returns its result; an
// exception escaping the body is rethrown here. A body still running after `timeout`
// (a hang) throws std::runtime_error. Handlers still queued afterwards stay in `io`.
// T must be void or default-constructible (Asio's co_spawn requires it).
template <typename T>
T run_coroutine(boost::asio::io_context& io, boost::asio::awaitable<T> body,
                std::chrono::steady_clock::duration timeout = kCoroutineTestTimeout) {
  bool done = false;
  std::exception_ptr failure;
  std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>> value;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(body), [&](std::exception_ptr error) {
      failure = error;
      done = true;
    });
  } else {
    boost::asio::co_spawn(io, std::move(body), [&](std::exception_ptr error, T result) {
      failure = error;
      if (!error) value.emplace(std::move(result));
      done = true;
    });
  }
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && io.run_one_until(deadline) > 0) {
  }
  if (!done) throw std::runtime_error("coroutine test body did not finish in time");
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

// As run_coroutine, with `io` run by `thread_count` threads (thread-safety tests). The
// io_context is stopped once the body finishes.
template <typename T>
T run_coroutine_on_threads(boost::asio::io_context& io, boost::asio::awaitable<T> body,
                           std::size_t thread_count,
                           std::chrono::steady_clock::duration timeout = kCoroutineTestTimeout) {
  std::atomic<bool> done = false;
  std::exception_ptr failure;
  std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>> value;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(body), [&](std::exception_ptr error) {
      failure = error;
      done = true;
      io.stop();
    });
  } else {
    boost::asio::co_spawn(io, std::move(body), [&](std::exception_ptr error, T result) {
      failure = error;
      if (!error) value.emplace(std::move(result));
      done = true;
      io.stop();
    });
  }
  io.restart();
  std::vector<std::thread> threads;
  for (std::size_t index = 0; index < thread_count; ++index) {
    threads.emplace_back([&io, timeout] { io.run_for(timeout); });
  }
  for (auto& thread : threads) thread.join();
  if (!done) throw std::runtime_error("coroutine test body did not finish in time");
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

// Failed assertions recorded so far in the running test (for CO_ASSERT).
inline int failed_assertion_count() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  if (test == nullptr) return 0;
  const auto* result = test->result();
  int failed = 0;
  for (int index = 0; index < result->total_part_count(); ++index) {
    if (result->GetTestPartResult(index).failed()) ++failed;
  }
  return failed;
}

}  // namespace phonebill::test_support

// Runs one EXPECT_* statement (streaming allowed inside) and ends the coroutine body if
// it failed: CO_ASSERT(EXPECT_TRUE(reply) << reply.error()).
#define CO_ASSERT(expectation)                                                                 \
  do {                                                                                         \
    const int phonebill_failures_before = ::phonebill::test_support::failed_assertion_count(); \
    expectation;                                                                               \
    if (::phonebill::test_support::failed_assertion_count() > phonebill_failures_before)       \
      co_return;                                                                               \
  } while (false)

// ASSERT_* for coroutine bodies returning awaitable<void>: a failure is recorded as
// fatal and the body co_returns (gtest's own ASSERT_* `return`, which a coroutine
// cannot). Built from gtest's assertion macros, so `<< "detail"` works as usual.
#define PHONEBILL_CO_FATAL_FAILURE(message) \
  co_return GTEST_MESSAGE_(message, ::testing::TestPartResult::kFatalFailure)

#define CO_ASSERT_TRUE(condition) \
  GTEST_TEST_BOOLEAN_(condition, #condition, false, true, PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_FALSE(condition) \
  GTEST_TEST_BOOLEAN_(!(condition), #condition, true, false, PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_EQ(left, right)                                          \
  GTEST_PRED_FORMAT2_(::testing::internal::EqHelper::Compare, left, right, \
                      PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_NE(left, right) \
  GTEST_PRED_FORMAT2_(::testing::internal::CmpHelperNE, left, right, PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_LT(left, right) \
  GTEST_PRED_FORMAT2_(::testing::internal::CmpHelperLT, left, right, PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_LE(left, right) \
  GTEST_PRED_FORMAT2_(::testing::internal::CmpHelperLE, left, right, PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_GT(left, right) \
  GTEST_PRED_FORMAT2_(::testing::internal::CmpHelperGT, left, right, PHONEBILL_CO_FATAL_FAILURE)
#define CO_ASSERT_GE(left, right) \
  GTEST_PRED_FORMAT2_(::testing::internal::CmpHelperGE, left, right, PHONEBILL_CO_FATAL_FAILURE)

#define PHONEBILL_CO_TEST_CLASS(suite, name) suite##_##name##_CoroutineBody

#define PHONEBILL_CO_TEST(suite, name, parent, parent_id)                     \
  class PHONEBILL_CO_TEST_CLASS(suite, name) : public parent {                \
   protected:                                                                 \
    ::boost::asio::awaitable<void> co_body();                                 \
  };                                                                          \
  GTEST_TEST_(suite, name, PHONEBILL_CO_TEST_CLASS(suite, name), parent_id) { \
    ::boost::asio::io_context io;                                             \
    ::phonebill::test_support::run_coroutine(io, co_body());                  \
  }                                                                           \
  ::boost::asio::awaitable<void> PHONEBILL_CO_TEST_CLASS(suite, name)::co_body()

// TEST with a coroutine body.
#define CO_TEST(suite, name) \
  PHONEBILL_CO_TEST(suite, name, ::testing::Test, ::testing::internal::GetTestTypeId())

// TEST_F with a coroutine body; the fixture's members are in scope as usual.
#define CO_TEST_F(fixture, name) \
  PHONEBILL_CO_TEST(fixture, name, fixture, ::testing::internal::GetTypeId<fixture>())
