// Seoul months, ISO-8601 text with +09:00 and Seoul midnight in UTC.
#include "core/seoul_time.hpp"

#include <fmt/format.h>
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
// Every field zero-padded, across a span of instants (the text is written digit by digit,
// not by fmt: compared with fmt's rendering of the same fields).
TEST(SeoulTime, EveryFieldIsZeroPaddedAsFmtWouldWriteIt) {
  EXPECT_EQ(iso8601_seoul(SystemTime{sys_days{2027y / 1 / 1} + 1h + 2min + 3s}),
            "2027-01-01T10:02:03+09:00");
  EXPECT_EQ(iso8601_seoul(SystemTime{sys_days{1999y / 12 / 31} + 15h}),
            "2000-01-01T00:00:00+09:00");
  for (std::int64_t step = 0; step < 2000; ++step) {
    SystemTime at{sys_days{2020y / 1 / 1} + std::chrono::seconds{step * 86'413 + step % 61}};
    auto local = std::chrono::floor<std::chrono::seconds>(at + 9h);
    auto days = std::chrono::floor<std::chrono::days>(local);
    std::chrono::year_month_day date{days};
    std::chrono::hh_mm_ss time{local - days};
    EXPECT_EQ(iso8601_seoul(at),
              fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+09:00", int(date.year()),
                          unsigned(date.month()), unsigned(date.day()), time.hours().count(),
                          time.minutes().count(), time.seconds().count()));
  }
}

TEST(SeoulTime, MidnightIsPreviousUtcAfternoon) {
  EXPECT_EQ(seoul_midnight(2026, 12, 1), SystemTime{sys_days{2026y / 11 / 30} + 15h});
}
