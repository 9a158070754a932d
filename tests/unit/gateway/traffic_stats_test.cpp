// Per-route traffic over a one-minute window on a ManualClock.
#include <gtest/gtest.h>

#include "traffic_stats.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;

// Rates, error shares and percentiles of the last minute, per route and in total.
TEST(TrafficStatsTest, SummarisesTheLastMinute) {
  ManualClock clock;
  TrafficStats stats{clock, {"/a/**", "/b/**"}};
  for (int i = 0; i < 98; ++i) stats.record(0, 200, 0.004);  // ≤ 5 ms
  stats.record(0, 404, 0.004);
  stats.record(0, 503, 0.9);  // ≤ 1000 ms
  clock.advance(10s);
  for (int i = 0; i < 20; ++i) stats.record(1, 200, 0.0004);
  auto snapshot = stats.snapshot();
  ASSERT_EQ(snapshot.size(), 3u);
  EXPECT_EQ(snapshot[0].route, "/a/**");
  EXPECT_EQ(snapshot[0].requests, 100u);
  EXPECT_NEAR(snapshot[0].requests_per_second, 100.0 / 60, 1e-9);
  EXPECT_NEAR(snapshot[0].client_error_rate, 0.01, 1e-9);
  EXPECT_NEAR(snapshot[0].error_rate, 0.01, 1e-9);
  EXPECT_EQ(snapshot[0].p50_ms, 5);
  EXPECT_EQ(snapshot[0].p99_ms, 5);
  EXPECT_EQ(snapshot[1].p50_ms, 0.5);
  EXPECT_EQ(snapshot[2].route, "*");
  EXPECT_EQ(snapshot[2].requests, 120u);
}

// Traffic older than the window is gone.
TEST(TrafficStatsTest, OldTrafficLeavesTheWindow) {
  ManualClock clock;
  TrafficStats stats{clock, {"/a/**"}};
  stats.record(0, 200, 0.01);
  clock.advance(61s);
  auto snapshot = stats.snapshot();
  ASSERT_EQ(snapshot.size(), 1u);  // only the total line
  EXPECT_EQ(snapshot[0].requests, 0u);
  stats.record(0, 200, 0.01);
  EXPECT_EQ(stats.snapshot()[0].requests, 1u);
}

// The window is the last minute of elapsed (steady) time: an NTP step of wall time back
// neither hides recent traffic nor keeps old traffic in the window.
TEST(TrafficStatsTest, WallClockStepsDoNotMoveTheWindow) {
  ManualClock clock;
  TrafficStats stats{clock, {"/a/**"}};
  stats.record(0, 200, 0.01);
  clock.step_wall(-1h);
  EXPECT_EQ(stats.snapshot()[0].requests, 1u);
  clock.step_wall(2h);
  EXPECT_EQ(stats.snapshot()[0].requests, 1u);
  clock.advance(61s);
  EXPECT_EQ(stats.snapshot()[0].requests, 0u);
}
