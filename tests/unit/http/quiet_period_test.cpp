// QuietPeriod (issue 17 item 4): when the servers' sweeps may give a burst's memory back:
// once per quiet period, only after kQuietPeriod without a request starting or finishing,
// never while one is in flight. Times are passed in: no clock, no sleeping.
#include <gtest/gtest.h>

#include "http/quiet_period.hpp"

namespace phonebill::http::testing {
namespace {

using namespace std::chrono_literals;
using Clock = QuietPeriod::Clock;

TEST(QuietPeriodTest, NothingIsDueBeforeTheFirstRequest) {
  QuietPeriod quiet;
  auto start = Clock::time_point{} + 100s;
  EXPECT_FALSE(quiet.just_became_quiet(start));
  EXPECT_FALSE(quiet.just_became_quiet(start + 10s));
}

TEST(QuietPeriodTest, DueOnceAfterAQuietPeriodThenNotAgainUntilRequestsRan) {
  QuietPeriod quiet;
  auto tick = Clock::time_point{} + 100s;
  quiet.request_started();
  quiet.request_finished();
  EXPECT_FALSE(quiet.just_became_quiet(tick));  // the counts moved since the last look
  EXPECT_FALSE(quiet.just_became_quiet(tick + kQuietPeriod / 2));
  EXPECT_TRUE(quiet.just_became_quiet(tick + kQuietPeriod));
  EXPECT_FALSE(quiet.just_became_quiet(tick + 2 * kQuietPeriod));  // released already
  EXPECT_FALSE(quiet.just_became_quiet(tick + 60s));
  // The next burst, then quiet again: due again.
  quiet.request_started();
  quiet.request_finished();
  EXPECT_FALSE(quiet.just_became_quiet(tick + 61s));
  EXPECT_TRUE(quiet.just_became_quiet(tick + 62s));
}

TEST(QuietPeriodTest, NeverDueWhileARequestIsInFlight) {
  QuietPeriod quiet;
  auto tick = Clock::time_point{} + 100s;
  quiet.request_started();
  quiet.request_started();
  quiet.request_finished();
  EXPECT_FALSE(quiet.just_became_quiet(tick));
  for (int second = 1; second <= 30; ++second)
    EXPECT_FALSE(quiet.just_became_quiet(tick + std::chrono::seconds{second}));
  quiet.request_finished();  // the last one ends: the quiet period starts with it
  EXPECT_FALSE(quiet.just_became_quiet(tick + 31s));
  EXPECT_FALSE(quiet.just_became_quiet(tick + 31s + kQuietPeriod / 2));
  EXPECT_TRUE(quiet.just_became_quiet(tick + 31s + kQuietPeriod));
}

TEST(QuietPeriodTest, RequestsBetweenTwoLooksRestartThePeriod) {
  QuietPeriod quiet;
  auto tick = Clock::time_point{} + 100s;
  for (int second = 0; second < 10; ++second) {
    quiet.request_started();
    quiet.request_finished();
    EXPECT_FALSE(quiet.just_became_quiet(tick + std::chrono::seconds{second}));
  }
  EXPECT_TRUE(quiet.just_became_quiet(tick + 9s + kQuietPeriod));
}

}  // namespace
}  // namespace phonebill::http::testing
