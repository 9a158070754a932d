// coalesce_across_fleet on a manual clock against the in-memory fill lock: the holder
// fetches once and releases; a waiter gets the fill without fetching; a lock freed
// without a fill (a dead holder's ttl) is taken over; the deadline comes first: no
// value; a lock store that does not answer means a direct fetch; a fill that landed
// before the lock is not fetched again; a throwing fetch still frees the key.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <stdexcept>

#include "fakes/fake_fill_lock.hpp"
#include "fakes/manual_pause.hpp"
#include "resilience/fleet_coalescing.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::resilience {
namespace {

using namespace std::chrono_literals;
constexpr const char* kKey = "bill:v1:01012345678:202611";

class FleetCoalescingTest : public ::testing::Test {
 protected:
  FleetCoalescingTest() {
    options_.lock_ttl = 1000ms;
    options_.first_poll = 5ms;
    options_.max_poll = 40ms;
    options_.minimum_call_time = 100ms;
  }

  FleetOutcome<int> run(std::chrono::milliseconds time_left = 3s) {
    auto deadline = clock_.steady_now() + time_left;
    auto fetch = [this]() -> boost::asio::awaitable<int> {
      ++fetches_;
      if (fetch_throws_) throw std::runtime_error{"fetch failed"};
      co_return 42;
    };
    auto probe = [this]() -> boost::asio::awaitable<std::optional<int>> {
      ++probes_;
      if (fill_after_ && clock_.steady_now() >= *fill_after_) co_return 7;
      co_return std::nullopt;
    };
    return test_support::run_coroutine(
        io_,
        coalesce_across_fleet<int>(lock_, options_, kKey, deadline, fetch, probe, pause_, now_));
  }
  std::chrono::milliseconds waited() const {
    std::chrono::milliseconds total{0};
    for (auto pause : pauses_) total += pause;
    return total;
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  fakes::FakeFillLock lock_{clock_};
  FleetCoalescingOptions options_;
  int fetches_ = 0;
  int probes_ = 0;
  bool fetch_throws_ = false;
  std::optional<SteadyTime> fill_after_;  // the cache holds a fill from then on
  std::vector<std::chrono::milliseconds> pauses_;
  Pause pause_ = fakes::manual_pause(clock_, pauses_);
  SteadyNow now_ = [this] { return clock_.steady_now(); };
};

// The first instance takes the lock, fetches once, and frees the key.
TEST_F(FleetCoalescingTest, HolderFetchesOnceAndReleases) {
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kHolder);
  EXPECT_EQ(outcome.value, 42);
  EXPECT_EQ(fetches_, 1);
  EXPECT_EQ(lock_.releases, 1);
  EXPECT_FALSE(lock_.held(kKey));
  EXPECT_TRUE(pauses_.empty());
}

// While another instance holds the key, a waiter polls the cache (doubling, capped) and
// answers from the fill without fetching.
TEST_F(FleetCoalescingTest, WaiterGetsTheFillWithoutFetching) {
  lock_.hold(kKey, 1000ms);
  fill_after_ = clock_.steady_now() + 120ms;
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kFilled);
  EXPECT_EQ(outcome.value, 7);
  EXPECT_EQ(fetches_, 0);
  EXPECT_GE(waited(), 120ms);
  EXPECT_LT(waited(), 200ms);
  EXPECT_EQ(pauses_.at(0), 5ms);
  EXPECT_EQ(pauses_.at(1), 10ms);
  for (auto pause : pauses_) EXPECT_LE(pause, 40ms);
}

// A holder that died: its lock frees by ttl without a fill, and the waiter takes over.
TEST_F(FleetCoalescingTest, LockFreedByTtlWithoutFillIsTakenOver) {
  lock_.hold(kKey, 300ms);
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kTakenOver);
  EXPECT_EQ(outcome.value, 42);
  EXPECT_EQ(fetches_, 1);
  EXPECT_GE(waited(), 300ms);
  EXPECT_LT(waited(), 350ms);
  EXPECT_FALSE(lock_.held(kKey));
}

// The deadline comes while another instance still holds the key: no value, no fetch.
TEST_F(FleetCoalescingTest, DeadlineWhileHeldGivesUp) {
  lock_.hold(kKey, 10s);
  auto outcome = run(200ms);
  EXPECT_EQ(outcome.role, FleetRole::kGaveUp);
  EXPECT_FALSE(outcome.value);
  EXPECT_EQ(fetches_, 0);
  EXPECT_LE(waited(), 200ms);
}

// The lock frees without a fill but too little time is left for a call: give up.
TEST_F(FleetCoalescingTest, FreedTooLateForACallGivesUp) {
  lock_.hold(kKey, 250ms);
  auto outcome = run(300ms);
  EXPECT_EQ(outcome.role, FleetRole::kGaveUp);
  EXPECT_EQ(fetches_, 0);
}

// Redis not answering: fetch directly, never fail for the lock's sake.
TEST_F(FleetCoalescingTest, UnreachableLockFetchesDirectly) {
  lock_.down = true;
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kDirect);
  EXPECT_EQ(outcome.value, 42);
  EXPECT_EQ(fetches_, 1);
}

// Redis going away while waiting: fetch directly too.
TEST_F(FleetCoalescingTest, LockStoreLostWhileWaitingFetchesDirectly) {
  lock_.hold(kKey, 10s);
  pause_ = [this](std::chrono::milliseconds delay) -> boost::asio::awaitable<void> {
    clock_.advance(delay);
    lock_.down = true;
    co_return;
  };
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kDirect);
  EXPECT_EQ(fetches_, 1);
}

// A fill that landed between the miss and taking the lock is used, not fetched again.
TEST_F(FleetCoalescingTest, FillBeforeTheLockIsNotFetchedAgain) {
  fill_after_ = clock_.steady_now();
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kFilled);
  EXPECT_EQ(outcome.value, 7);
  EXPECT_EQ(fetches_, 0);
  EXPECT_FALSE(lock_.held(kKey));
}

// A fetch that throws frees the key at once (not after the ttl) and the error goes on.
TEST_F(FleetCoalescingTest, ThrowingFetchStillReleases) {
  fetch_throws_ = true;
  EXPECT_THROW(run(), std::runtime_error);
  EXPECT_FALSE(lock_.held(kKey));
  EXPECT_EQ(lock_.releases, 1);
}

// Switched off: every miss fetches directly, the lock is never asked.
TEST_F(FleetCoalescingTest, DisabledFetchesWithoutTheLock) {
  options_.enabled = false;
  auto outcome = run();
  EXPECT_EQ(outcome.role, FleetRole::kDirect);
  EXPECT_EQ(lock_.acquires, 0);
}

}  // namespace
}  // namespace phonebill::resilience
