// Seoul months, ISO-8601 text with +09:00 and Seoul midnight in UTC.
#include "core/seoul_time.hpp"

#include <gtest/gtest.h>

using namespace phonebill;
using namespace std::chrono;

// 2026-11-30T15:30Z is already December 1st in Seoul.
TEST(SeoulTime, MonthFollowsSeoulNotUtc) {
  SystemTime utc_evening = sys_days{2026y / 11 / 30} + 15h + 30min;
  EXPECT_EQ(seoul_month(utc_evening), (BillingMonth{2026, 12}));
  EXPECT_EQ(seoul_month(utc_evening - 1h), (BillingMonth{2026, 11}));
}

// Timestamps carry the +09:00 offset.
TEST(SeoulTime, FormatsWithOffset) {
  SystemTime at = sys_days{2026y / 11 / 25} + 0h + 30min + 5s;
  EXPECT_EQ(iso8601_seoul(at), "2026-11-25T09:30:05+09:00");
  EXPECT_EQ(iso8601_utc_millis(at + 7ms), "2026-11-25T00:30:05.007Z");
}

// Midnight in Seoul is 15:00 UTC the day before.
TEST(SeoulTime, MidnightIsPreviousUtcAfternoon) {
  EXPECT_EQ(seoul_midnight(2026, 12, 1), SystemTime{sys_days{2026y / 11 / 30} + 15h});
}
