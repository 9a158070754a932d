// Bulkhead: a cap on calls in flight, excess fails fast, slots come back.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "resilience/bulkhead.hpp"

using namespace phonebill::resilience;

// The third caller of a two-place bulkhead is refused at once; a released place is reused.
TEST(BulkheadTest, RejectsBeyondTheCapAndReusesReleasedSlots) {
  Bulkhead bulkhead{"kos", 2};
  auto first = bulkhead.try_enter();
  auto second = bulkhead.try_enter();
  auto third = bulkhead.try_enter();
  EXPECT_TRUE(first && second);
  EXPECT_FALSE(third);
  EXPECT_EQ(bulkhead.in_flight(), 2);
  first.release();
  EXPECT_TRUE(bulkhead.try_enter());
  auto counters = bulkhead.counters();
  EXPECT_EQ(counters.admitted, 3u);
  EXPECT_EQ(counters.rejected, 1u);
  EXPECT_EQ(counters.peak, 2);
}

// Slots release when they leave scope, also after a move.
TEST(BulkheadTest, SlotsReleaseOnDestructionAndMove) {
  Bulkhead bulkhead{"kos", 1};
  {
    auto slot = bulkhead.try_enter();
    Bulkhead::Slot moved = std::move(slot);
    EXPECT_EQ(bulkhead.in_flight(), 1);
  }
  EXPECT_EQ(bulkhead.in_flight(), 0);
}

// Racing threads never exceed the cap.
TEST(BulkheadTest, ConcurrentCallersNeverExceedTheCap) {
  Bulkhead bulkhead{"kos", 4};
  std::atomic<int> over{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto slot = bulkhead.try_enter();
        if (slot && bulkhead.in_flight() > 4) ++over;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(over.load(), 0);
  EXPECT_EQ(bulkhead.in_flight(), 0);
  EXPECT_LE(bulkhead.counters().peak, 4);
}
