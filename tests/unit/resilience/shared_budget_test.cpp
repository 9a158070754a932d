// take_budget on a manual clock against the in-memory window counter: within budget at
// once, over budget wait for the next window when the deadline allows else refuse, an
// unreachable counter admits unchecked, and a burst never puts more than the budget
// into one window.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <map>

#include "fakes/fake_budget_counter.hpp"
#include "fakes/manual_pause.hpp"
#include "resilience/shared_budget.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::resilience {
namespace {

using namespace std::chrono_literals;

class SharedBudgetTest : public ::testing::Test {
 protected:
  BudgetVerdict take(int per_second, std::chrono::milliseconds time_left) {
    auto deadline = clock_.steady_now() + time_left;
    return test_support::run_coroutine(
        io_, take_budget(counter_, "bill.inquiry", per_second, deadline, 50ms, pause_, now_));
  }

  // Milliseconds into the fake counter's current window.
  std::chrono::milliseconds into_window() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock_.steady_now().time_since_epoch()) %
           1000;
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  fakes::FakeBudgetCounter counter_{clock_};
  std::vector<std::chrono::milliseconds> pauses_;
  // A pause moves the manual clock by its length.
  Pause pause_ = fakes::manual_pause(clock_, pauses_);
  SteadyNow now_ = [this] { return clock_.steady_now(); };
};

// Calls within the window's budget are granted at once, without waiting.
TEST_F(SharedBudgetTest, WithinBudgetIsGrantedAtOnce) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(take(3, 3s), BudgetVerdict::kGranted);
  EXPECT_TRUE(pauses_.empty());
}

// Over budget, a call waits for the next window (exactly until it opens) and goes then.
TEST_F(SharedBudgetTest, OverBudgetWaitsForTheNextWindow) {
  clock_.advance(1000ms - into_window() + 300ms);  // 300 ms into a window
  EXPECT_EQ(take(1, 3s), BudgetVerdict::kGranted);
  EXPECT_EQ(take(1, 3s), BudgetVerdict::kWaited);
  ASSERT_EQ(pauses_.size(), 1u);
  EXPECT_EQ(pauses_[0], 700ms);
}

// Over budget with too little time left for the wait and a call: refused at once.
TEST_F(SharedBudgetTest, OverBudgetWithoutTimeForTheWaitIsRefused) {
  EXPECT_EQ(take(1, 3s), BudgetVerdict::kGranted);
  EXPECT_EQ(take(1, 1000ms - into_window() + 10ms), BudgetVerdict::kRefused);
  EXPECT_TRUE(pauses_.empty());
}

// Redis not answering never fails a call: it goes unchecked (the local bulkhead alone).
TEST_F(SharedBudgetTest, UnreachableCounterAdmitsUnchecked) {
  counter_.down = true;
  EXPECT_EQ(take(1, 3s), BudgetVerdict::kUnchecked);
  EXPECT_EQ(take(1, 3s), BudgetVerdict::kUnchecked);
  EXPECT_TRUE(pauses_.empty());
}

// A burst of 25 calls with a budget of 10/s: never more than 10 granted in one window;
// with 3 s to wait, all go within three windows.
TEST_F(SharedBudgetTest, BurstNeverExceedsTheBudgetInAnyWindow) {
  int admitted_calls = 0;
  for (int i = 0; i < 25; ++i)
    if (admitted(take(10, 3s))) ++admitted_calls;
  EXPECT_EQ(admitted_calls, 25);
  std::map<long long, int> per_window;
  for (auto window : counter_.granted_windows) ++per_window[window];
  EXPECT_EQ(per_window.size(), 3u);
  for (auto [window, calls] : per_window) EXPECT_LE(calls, 10) << "window " << window;
}

}  // namespace
}  // namespace phonebill::resilience
