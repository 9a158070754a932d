// CircuitBreaker on a ManualClock: every transition of SPEC §7, the listener, stale
// outcomes, abandoned trials and concurrent callers in half-open.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "resilience/circuit_breaker.hpp"

using namespace phonebill;
using namespace phonebill::resilience;
using namespace std::chrono_literals;

namespace {

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreakerTest()
      : breaker_(
            "kos.bill", CircuitBreakerOptions{5, 30s, 3}, clock_,
            [this](const BreakerTransition& transition) { transitions_.push_back(transition); }) {}

  void fail_times(int count) {
    for (int i = 0; i < count; ++i) {
      auto permit = breaker_.try_acquire();
      ASSERT_TRUE(permit);
      permit.fail();
    }
  }

  void open_it() {
    fail_times(5);
    ASSERT_EQ(breaker_.state(), BreakerState::kOpen);
  }

  ManualClock clock_;
  std::vector<BreakerTransition> transitions_;
  CircuitBreaker breaker_;
};

}  // namespace

// Four failures in a row keep it closed; the fifth opens it and tells the listener.
TEST_F(CircuitBreakerTest, OpensAfterFiveConsecutiveFailures) {
  fail_times(4);
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
  EXPECT_TRUE(transitions_.empty());
  fail_times(1);
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
  ASSERT_EQ(transitions_.size(), 1u);
  EXPECT_EQ(transitions_[0].from, BreakerState::kClosed);
  EXPECT_EQ(transitions_[0].to, BreakerState::kOpen);
  EXPECT_EQ(transitions_[0].consecutive_failures, 5);
  EXPECT_EQ(transitions_[0].name, "kos.bill");
}

// A success in between resets the count: failures must be consecutive.
TEST_F(CircuitBreakerTest, SuccessResetsTheFailureCount) {
  fail_times(4);
  breaker_.try_acquire().succeed();
  fail_times(4);
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
  fail_times(1);
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
}

// While open every call fails fast with the time left until half-open.
TEST_F(CircuitBreakerTest, OpenRejectsWithRetryAfter) {
  open_it();
  clock_.advance(10s);
  auto permit = breaker_.try_acquire();
  EXPECT_FALSE(permit);
  EXPECT_EQ(permit.retry_after(), 20s);
  clock_.advance(19'999ms);
  auto last = breaker_.try_acquire();
  EXPECT_FALSE(last);
  EXPECT_EQ(last.retry_after(), 1ms);
  EXPECT_EQ(breaker_.counters().rejected, 2u);
}

// The open window runs on steady time: an NTP step of wall time back by an hour does not
// keep the breaker open past its 30 s (on wall time it would stay open for an hour more).
TEST_F(CircuitBreakerTest, WallClockStepBackDoesNotKeepItOpen) {
  open_it();
  clock_.step_wall(-1h);
  clock_.advance(30s);
  EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
  EXPECT_TRUE(breaker_.try_acquire());
}

// Nor does a step forward close it early: the window is 30 s of elapsed time.
TEST_F(CircuitBreakerTest, WallClockStepForwardDoesNotEndTheOpenWindow) {
  open_it();
  clock_.step_wall(1h);
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
  auto permit = breaker_.try_acquire();
  EXPECT_FALSE(permit);
  EXPECT_EQ(permit.retry_after(), 30s);
}

// Transitions carry wall time (they are shown and logged).
TEST_F(CircuitBreakerTest, TransitionsAreStampedWithWallTime) {
  clock_.step_wall(1h);
  open_it();
  ASSERT_EQ(transitions_.size(), 1u);
  EXPECT_EQ(transitions_[0].at, clock_.now());
}

// After the open period it admits exactly three trials; a fourth caller is rejected.
TEST_F(CircuitBreakerTest, HalfOpenAdmitsThreeTrials) {
  open_it();
  clock_.advance(30s);
  EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
  auto first = breaker_.try_acquire();
  auto second = breaker_.try_acquire();
  auto third = breaker_.try_acquire();
  auto fourth = breaker_.try_acquire();
  EXPECT_TRUE(first && second && third);
  EXPECT_FALSE(fourth);
  EXPECT_GT(fourth.retry_after(), 0ms);
  ASSERT_EQ(transitions_.size(), 2u);
  EXPECT_EQ(transitions_[1].from, BreakerState::kOpen);
  EXPECT_EQ(transitions_[1].to, BreakerState::kHalfOpen);
}

// Three trial successes close it.
TEST_F(CircuitBreakerTest, ThreeTrialSuccessesClose) {
  open_it();
  clock_.advance(30s);
  for (int i = 0; i < 3; ++i) {
    auto permit = breaker_.try_acquire();
    ASSERT_TRUE(permit);
    permit.succeed();
    if (i < 2) {
      EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
    }
  }
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
  EXPECT_EQ(transitions_.back().to, BreakerState::kClosed);
  // Closed again: it takes five fresh failures to open.
  fail_times(4);
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
}

// One trial failure re-opens it for a whole new period.
TEST_F(CircuitBreakerTest, TrialFailureReopens) {
  open_it();
  clock_.advance(30s);
  auto good = breaker_.try_acquire();
  auto bad = breaker_.try_acquire();
  good.succeed();
  bad.fail();
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
  EXPECT_EQ(transitions_.back().from, BreakerState::kHalfOpen);
  EXPECT_EQ(transitions_.back().to, BreakerState::kOpen);
  auto rejected = breaker_.try_acquire();
  EXPECT_FALSE(rejected);
  EXPECT_EQ(rejected.retry_after(), 30s);
}

// A trial dropped without an outcome gives its slot back without deciding anything.
TEST_F(CircuitBreakerTest, AbandonedTrialFreesItsSlot) {
  open_it();
  clock_.advance(30s);
  auto first = breaker_.try_acquire();
  auto second = breaker_.try_acquire();
  {
    auto third = breaker_.try_acquire();
    ASSERT_TRUE(third);
    EXPECT_FALSE(breaker_.try_acquire());
  }
  auto replacement = breaker_.try_acquire();
  EXPECT_TRUE(replacement);
  EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
}

// A call admitted while closed that fails after the breaker opened changes nothing.
TEST_F(CircuitBreakerTest, StaleOutcomesAreIgnored) {
  auto slow = breaker_.try_acquire();
  open_it();
  clock_.advance(30s);
  auto trial = breaker_.try_acquire();
  slow.fail();  // from the closed era
  EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
  trial.succeed();
  EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
}

// Moving a permit keeps one outcome; a moved-from permit reports nothing.
TEST_F(CircuitBreakerTest, PermitsAreMoveOnly) {
  auto permit = breaker_.try_acquire();
  CircuitBreaker::Permit moved = std::move(permit);
  EXPECT_FALSE(permit);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  moved.fail();
  moved.fail();  // second report ignored
  EXPECT_EQ(breaker_.counters().failures, 1u);
}

// Options come from <prefix>_* variables, unset ones keep the defaults.
TEST(CircuitBreakerOptionsTest, ReadsTheEnvironment) {
  auto environment = Environment::from_map({{"PHONEBILL_KOS_BREAKER_FAILURE_THRESHOLD", "7"},
                                            {"PHONEBILL_KOS_BREAKER_OPEN_MS", "1500"}});
  auto options = CircuitBreakerOptions::from_environment(environment, "PHONEBILL_KOS_BREAKER", {});
  EXPECT_EQ(options.failure_threshold, 7);
  EXPECT_EQ(options.open_duration, 1500ms);
  EXPECT_EQ(options.half_open_trials, 3);
  EXPECT_THROW(CircuitBreakerOptions::from_environment(
                   Environment::from_map({{"X_HALF_OPEN_TRIALS", "0"}}), "X", {}),
               ConfigError);
}

// Many threads racing in half-open: never more than three trials admitted at once.
TEST_F(CircuitBreakerTest, ConcurrentCallersGetAtMostThreeTrials) {
  open_it();
  clock_.advance(30s);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  std::vector<CircuitBreaker::Permit> held(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      held[i] = breaker_.try_acquire();
      if (held[i]) ++admitted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 3);
  EXPECT_EQ(breaker_.counters().rejected, 13u);
}
