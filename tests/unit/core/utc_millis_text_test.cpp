// The log line's time kept from call to call (UtcMillisText) writes what
// iso8601_utc_millis writes for the same instant, whatever instant came before it.
#include "core/utc_millis_text.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/seoul_time.hpp"

using namespace phonebill;
using namespace std::chrono;

namespace {

std::string text_of(UtcMillisText& cached, SystemTime at) {
  std::string out = "before:";
  cached.append(out, at);
  EXPECT_EQ(out.substr(0, 7), "before:");
  return out.substr(7);
}

// Around each boundary, .000 and .999 on both sides, one cache for the whole sequence
// (so each instant is written from whatever text the instant before left).
TEST(UtcMillisTextTest, MatchesIso8601UtcMillisAcrossSecondMinuteDayAndYear) {
  const std::vector<SystemTime> boundaries = {
      sys_days{2026y / 11 / 25} + 0h + 30min + 5s,     // a second
      sys_days{2026y / 11 / 25} + 13h + 59min + 60s,   // a minute and an hour
      sys_days{2026y / 11 / 26},                       // a day
      sys_days{2026y / 12 / 1},                        // a month
      sys_days{2027y / 1 / 1},                         // a year
      sys_days{2028y / 2 / 29},                        // a leap day
      sys_days{1970y / 1 / 1},                         // the epoch
      sys_days{2262y / 4 / 11},                        // near the clock's last day
      sys_days{1677y / 9 / 22}};                       // and its first
  UtcMillisText cached;
  for (auto boundary : boundaries) {
    for (auto offset : {-1001ms, -1000ms, -999ms, -1ms, 0ms, 1ms, 999ms, 1000ms, 1001ms}) {
      const SystemTime at = boundary + offset;
      EXPECT_EQ(text_of(cached, at), iso8601_utc_millis(at));
    }
  }
}

// Below the millisecond (the clock's nanoseconds) the text is cut, not rounded, as
// iso8601_utc_millis cuts it; going back in time rewrites the cached part too.
TEST(UtcMillisTextTest, CutsSubMillisecondsAndFollowsTheClockBackwards) {
  UtcMillisText cached;
  const SystemTime second = sys_days{2026y / 11 / 25} + 10h;
  for (SystemTime at : {second + 999'999ns, second + 999'999'999ns, second - 1ns,
                        second + 1'000'000ns, second - 24h + 500ms, second})
    EXPECT_EQ(text_of(cached, at), iso8601_utc_millis(at));
  EXPECT_EQ(text_of(cached, second + 999'999'999ns), "2026-11-25T10:00:00.999Z");
}

// Every millisecond of two seconds in a row, and before the epoch.
TEST(UtcMillisTextTest, EveryMillisecondOfTwoSeconds) {
  UtcMillisText cached;
  for (SystemTime start : {SystemTime{sys_days{2026y / 12 / 31} + 23h + 59min + 59s},
                           SystemTime{sys_days{1969y / 12 / 31} + 23h + 59min + 59s}}) {
    for (int millisecond = 0; millisecond < 2000; ++millisecond) {
      const SystemTime at = start + milliseconds{millisecond};
      ASSERT_EQ(text_of(cached, at), iso8601_utc_millis(at)) << millisecond;
    }
  }
}

// The clock's (nanosecond) range ends in 1677 and 2262: its first and last instants.
TEST(UtcMillisTextTest, TheClocksFirstAndLastInstants) {
  UtcMillisText cached;
  for (SystemTime at : {SystemTime::min(), SystemTime::max(), SystemTime{}})
    EXPECT_EQ(text_of(cached, at), iso8601_utc_millis(at));
}

}  // namespace
