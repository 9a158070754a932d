// Instance choice and health on a ManualClock: least outstanding, round robin, passive
// ejection and re-admission, active health, panic mode.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <set>

#include "upstream.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
using namespace std::chrono_literals;

namespace {

class UpstreamTest : public ::testing::Test {
 protected:
  UpstreamTest() {
    settings_.name = "bill-inquiry";
    settings_.instances = {{"127.0.0.1", 1001}, {"127.0.0.1", 1002}, {"127.0.0.1", 1003}};
    health_.passive_failures_to_eject = 3;
    health_.ejection_time = 5s;
    health_.failures_to_mark_down = 2;
  }
  std::unique_ptr<Upstream> make() {
    return std::make_unique<Upstream>(io_, settings_, health_, resilience::CircuitBreakerOptions{},
                                      clock_);
  }
  boost::asio::io_context io_;
  ManualClock clock_;
  UpstreamSettings settings_;
  HealthSettings health_;
};

}  // namespace

// With equal load, picks rotate over every instance.
TEST_F(UpstreamTest, RoundRobinAmongEquals) {
  auto upstream = make();
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) seen.insert(upstream->pick()->label());
  EXPECT_EQ(seen.size(), 3u);
}

// The instance with the fewest requests in flight wins.
TEST_F(UpstreamTest, LeastOutstandingWins) {
  auto upstream = make();
  auto& instances = upstream->instances();
  UpstreamInstance::InFlight a{*instances[0]};
  UpstreamInstance::InFlight b{*instances[1]};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(upstream->pick(), instances[2].get());
}

// A retry never goes back to the instance that just failed.
TEST_F(UpstreamTest, PickExcludesThePreviousInstance) {
  auto upstream = make();
  auto* first = upstream->pick();
  for (int i = 0; i < 6; ++i) EXPECT_NE(upstream->pick(first), first);
}

// Three consecutive failures eject an instance for the ejection time; then it is back.
TEST_F(UpstreamTest, PassiveEjectionAndReadmission) {
  auto upstream = make();
  auto& bad = *upstream->instances()[0];
  upstream->report_result(bad, true);
  upstream->report_result(bad, true);
  EXPECT_EQ(upstream->usable_instances(), 3);
  upstream->report_result(bad, true);
  EXPECT_EQ(upstream->usable_instances(), 2);
  for (int i = 0; i < 10; ++i) EXPECT_NE(upstream->pick(), &bad);
  clock_.advance(5s);
  EXPECT_EQ(upstream->usable_instances(), 3);
  // Still failing after re-admission: ejected again at the first failure.
  upstream->report_result(bad, true);
  EXPECT_EQ(upstream->usable_instances(), 2);
  // A success resets the count.
  clock_.advance(5s);
  upstream->report_result(bad, false);
  upstream->report_result(bad, true);
  EXPECT_EQ(upstream->usable_instances(), 3);
}

// The ejection time runs on steady time: an NTP step of wall time back by an hour does not
// keep an ejected instance out, and a step forward does not bring it back early.
TEST_F(UpstreamTest, WallClockStepsDoNotMoveAnEjection) {
  auto upstream = make();
  auto& bad = *upstream->instances()[0];
  for (int i = 0; i < 3; ++i) upstream->report_result(bad, true);
  clock_.step_wall(1h);
  EXPECT_EQ(upstream->usable_instances(), 2);
  clock_.step_wall(-2h);
  clock_.advance(5s);
  EXPECT_EQ(upstream->usable_instances(), 3);
}

// Two failed /readyz checks take an instance out; one good check brings it back at once,
// clearing a passive ejection too (it was restarted).
TEST_F(UpstreamTest, ActiveHealthChecks) {
  auto upstream = make();
  auto& instance = *upstream->instances()[1];
  upstream->report_health(instance, false);
  EXPECT_EQ(upstream->usable_instances(), 3);
  upstream->report_health(instance, false);
  EXPECT_EQ(upstream->usable_instances(), 2);
  for (int i = 0; i < 3; ++i) upstream->report_result(instance, true);
  upstream->report_health(instance, true);
  EXPECT_EQ(upstream->usable_instances(), 3);
  auto snapshot = upstream->snapshot();
  EXPECT_TRUE(snapshot[1].healthy);
  EXPECT_FALSE(snapshot[1].ejected);
  EXPECT_EQ(snapshot[1].failures, 3u);
}

// With every instance down, picks still go somewhere (panic mode), never to nothing.
TEST_F(UpstreamTest, PanicModeWhenNothingIsUsable) {
  auto upstream = make();
  for (auto& instance : upstream->instances()) {
    upstream->report_health(*instance, false);
    upstream->report_health(*instance, false);
  }
  EXPECT_EQ(upstream->usable_instances(), 0);
  EXPECT_NE(upstream->pick(), nullptr);
}
