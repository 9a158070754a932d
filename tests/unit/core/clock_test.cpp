// CoarseClock: the same epochs as the precise clocks, never ahead of them, at most a tick behind.
#include "core/clock.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>

namespace phonebill {
namespace {

std::chrono::nanoseconds coarse_resolution() {
  timespec resolution{};
  clock_getres(CLOCK_MONOTONIC_COARSE, &resolution);
  return std::chrono::seconds{resolution.tv_sec} + std::chrono::nanoseconds{resolution.tv_nsec};
}

// Read between two precise readings, a coarse reading is not after the second one and at
// most one tick (plus scheduling slack) before the first: same epoch, same units. A
// coarse clock on another epoch (steady time read from CLOCK_REALTIME_COARSE: checked, it
// fails) or in other units fails this.
TEST(CoarseClockTest, ReadsTheSameTimesAsThePreciseClocksAtMostATickBehind) {
  CoarseClock coarse;
  const auto slack = coarse_resolution() + std::chrono::milliseconds{50};
  for (int round = 0; round < 100; ++round) {
    auto steady_before = std::chrono::steady_clock::now();
    auto system_before = std::chrono::system_clock::now();
    auto steady = coarse.steady_now();
    auto system = coarse.now();
    auto steady_after = std::chrono::steady_clock::now();
    auto system_after = std::chrono::system_clock::now();
    EXPECT_LE(steady, steady_after);
    EXPECT_GE(steady, steady_before - slack);
    EXPECT_LE(system, system_after);
    EXPECT_GE(system, system_before - slack);
  }
}

TEST(CoarseClockTest, SteadyTimeNeverGoesBackAndMovesOnWithTheTicks) {
  CoarseClock coarse;
  auto first = coarse.steady_now();
  auto previous = first;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{2};
  while (coarse.steady_now() == first && std::chrono::steady_clock::now() < give_up) {
    auto now = coarse.steady_now();
    EXPECT_GE(now, previous);
    previous = now;
  }
  EXPECT_GT(coarse.steady_now(), first) << "the coarse clock did not move in 2 s";
}

}  // namespace
}  // namespace phonebill
