// Retry: backoff arithmetic with scripted jitter, and run_with_retry driven by a fake
// pause on a fake steady clock (no sleeping).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "core/config.hpp"
#include "core/deadline.hpp"
#include "resilience/retry.hpp"
#include "support/coroutine_test.hpp"

using namespace phonebill;
using namespace phonebill::resilience;
using namespace std::chrono_literals;

// Delays double from the base, are capped, and jitter scales them within [1-j, 1].
TEST(RetryPolicyTest, ExponentialBackoffWithJitter) {
  RetryPolicy policy;
  policy.base_delay = 100ms;
  policy.max_delay = 300ms;
  policy.jitter = 0.5;
  FixedSequenceRandom top{{0.9999999}};
  EXPECT_EQ(policy.delay_before(1, top), 100ms);
  EXPECT_EQ(policy.delay_before(2, top), 200ms);
  EXPECT_EQ(policy.delay_before(3, top), 300ms);  // capped
  FixedSequenceRandom bottom{{0.0}};
  EXPECT_EQ(policy.delay_before(1, bottom), 50ms);
  EXPECT_EQ(policy.delay_before(2, bottom), 100ms);
  policy.jitter = 0.0;
  EXPECT_EQ(policy.delay_before(2, bottom), 200ms);
}

// The time a retry (or a budget grant after a wait) must leave is an operator's setting:
// a KOS that answers in 200 ms needs more than the 50 ms default.
TEST(RetryPolicyTest, MinimumAttemptTimeComesFromTheEnvironment) {
  auto unset = RetryPolicy::from_environment(Environment::from_map({}), "PHONEBILL_KOS_RETRY", {});
  EXPECT_EQ(unset.minimum_attempt_time, 50ms);
  auto set = RetryPolicy::from_environment(
      Environment::from_map({{"PHONEBILL_KOS_RETRY_MINIMUM_ATTEMPT_MS", "300"}}),
      "PHONEBILL_KOS_RETRY", {});
  EXPECT_EQ(set.minimum_attempt_time, 300ms);
  EXPECT_THROW(RetryPolicy::from_environment(
                   Environment::from_map({{"PHONEBILL_KOS_RETRY_MINIMUM_ATTEMPT_MS", "-1"}}),
                   "PHONEBILL_KOS_RETRY", {}),
               ConfigError);
}

// Deadline helpers narrow, never widen.
TEST(DeadlineTest, NarrowRemainingAndFits) {
  Deadline now{std::chrono::seconds{100}};
  auto outer = now + 3s;
  EXPECT_EQ(narrow(outer, 1s, now), now + 1s);
  EXPECT_EQ(narrow(outer, 10s, now), outer);
  EXPECT_EQ(remaining(outer, now), 3000ms);
  EXPECT_EQ(remaining(outer, now + 5s), 0ms);
  EXPECT_TRUE(expired(outer, outer));
  EXPECT_TRUE(fits(outer, 2s, now));
  EXPECT_FALSE(fits(outer, 3s, now));
}

namespace {

struct FakeTime {
  Deadline now{std::chrono::seconds{1000}};
  std::vector<std::chrono::milliseconds> pauses;
  Pause pause() {
    return [this](std::chrono::milliseconds delay) -> boost::asio::awaitable<void> {
      pauses.push_back(delay);
      now += delay;
      co_return;
    };
  }
  SteadyNow clock() {
    return [this] { return now; };
  }
};

}  // namespace

// Retryable failures are retried twice at most, with the policy's pauses in between.
TEST(RunWithRetryTest, RetriesRetryableFailuresTwice) {
  boost::asio::io_context io;
  FakeTime time;
  FixedSequenceRandom random{{0.9999999}};
  RetryPolicy policy;
  int attempts = 0;
  auto result = test_support::run_coroutine(
      io, run_with_retry<int>(
              policy, random, time.now + 5s,
              [&](int number) -> boost::asio::awaitable<int> {
                ++attempts;
                co_return number;
              },
              [](int) { return AttemptVerdict::kRetryable; }, time.pause(), time.clock()));
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(result, 3);
  ASSERT_EQ(time.pauses.size(), 2u);
  EXPECT_EQ(time.pauses[0], 100ms);
  EXPECT_EQ(time.pauses[1], 200ms);
}

// A final answer stops at once; a retry that would not fit before the deadline is skipped.
TEST(RunWithRetryTest, StopsOnDoneAndAtTheDeadline) {
  boost::asio::io_context io;
  FakeTime time;
  FixedSequenceRandom random{{0.9999999}};
  RetryPolicy policy;
  int attempts = 0;
  auto attempt = [&](int number) -> boost::asio::awaitable<int> {
    ++attempts;
    co_return number;
  };
  test_support::run_coroutine(
      io, run_with_retry<int>(
              policy, random, time.now + 5s, attempt, [](int) { return AttemptVerdict::kDone; },
              time.pause(), time.clock()));
  EXPECT_EQ(attempts, 1);
  attempts = 0;
  // 120 ms left: the first pause (100 ms) + 50 ms minimum attempt time does not fit.
  test_support::run_coroutine(
      io, run_with_retry<int>(
              policy, random, time.now + 120ms, attempt,
              [](int) { return AttemptVerdict::kRetryable; }, time.pause(), time.clock()));
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(time.pauses.empty());
}
