// The slowest recent requests per route (ops page, issue 18 item 5): bounded to kKept per
// route, slowest first, forgotten when they leave the window, and shown in ops/status's
// route lines with their request and trace ids.
#include <gtest/gtest.h>

#include "slow_requests.hpp"
#include "traffic_stats.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;

namespace {

SystemTime at_second(int second) {
  return SystemTime{std::chrono::seconds{1'790'000'000 + second}};
}

}  // namespace

TEST(SlowRequestsTest, KeepsOnlyTheSlowestFewPerRouteSlowestFirst) {
  SlowRequests slow{2, 60};
  for (int i = 0; i < 50; ++i)
    slow.offer(0, "req-" + std::to_string(i), "trace-" + std::to_string(i), 200, double(i % 17),
               at_second(0), 100);
  slow.offer(1, "other", "trace-other", 503, 900.0, at_second(0), 100);
  auto kept = slow.slowest(0, 100);
  ASSERT_EQ(kept.size(), SlowRequests::kKept);
  EXPECT_EQ(kept[0].milliseconds, 16.0);
  // Values 0..16 each seen 2-3 times: the five slowest are 16, 16, 15, 15, 15 or so.
  EXPECT_GE(kept.back().milliseconds, 14.0);
  for (std::size_t i = 1; i < kept.size(); ++i)
    EXPECT_GE(kept[i - 1].milliseconds, kept[i].milliseconds);
  EXPECT_EQ(kept[0].request_id.substr(0, 4), "req-");
  auto other = slow.slowest(1, 100);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].request_id, "other");
  EXPECT_EQ(other[0].trace_id, "trace-other");
  EXPECT_EQ(other[0].status, 503);
  EXPECT_TRUE(slow.slowest(7, 100).empty());  // no such route
}

TEST(SlowRequestsTest, OldRequestsLeaveTheWindowAndMakeRoom) {
  SlowRequests slow{1, 60};
  for (int i = 0; i < int(SlowRequests::kKept); ++i)
    slow.offer(0, "old-" + std::to_string(i), "t", 200, 5000.0, at_second(0), 100);
  // A minute later the old ones are out of the window: a fast request is kept and shown.
  slow.offer(0, "new", "t", 200, 3.0, at_second(60), 160);
  auto kept = slow.slowest(0, 160);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].request_id, "new");
}

TEST(SlowRequestsTest, TrafficStatsShowsTheSlowestRequestsOfEachRoute) {
  ManualClock clock;
  TrafficStats stats{clock, {"/a/**", "/b/**"}};
  for (int i = 0; i < 100; ++i) stats.record(0, 200, 0.004, "fast-" + std::to_string(i), "f");
  stats.record(0, 200, 1.5, "spike", "4bf92f3577b34da6a3ce929d0e0e4736");
  stats.record(1, 200, 0.002);  // no ids: not kept
  auto snapshot = stats.snapshot();
  ASSERT_EQ(snapshot.size(), 3u);
  ASSERT_FALSE(snapshot[0].slowest.empty());
  EXPECT_EQ(snapshot[0].slowest[0].request_id, "spike");
  EXPECT_EQ(snapshot[0].p99_ms, 5);
  EXPECT_TRUE(snapshot[1].slowest.empty());
  auto json = TrafficStats::to_json(snapshot[0]);
  const auto& first = json.at("slowest").as_array().at(0).as_object();
  EXPECT_EQ(first.at("requestId").as_string(), "spike");
  EXPECT_EQ(first.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(first.at("latencyMs").as_double(), 1500.0);
  EXPECT_EQ(first.at("status").as_int64(), 200);
  EXPECT_FALSE(first.at("at").as_string().empty());
  // After the window, the spike is gone with the traffic.
  clock.advance(61s);
  stats.record(0, 200, 0.001, "later", "t");
  auto later = stats.snapshot();
  ASSERT_EQ(later[0].slowest.size(), 1u);
  EXPECT_EQ(later[0].slowest[0].request_id, "later");
}
