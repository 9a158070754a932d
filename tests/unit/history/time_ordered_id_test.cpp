// Time-ordered ids (issue 20): the time round-trips to the millisecond, ids sort by
// time, and ids from before (random hex), malformed ones and absurd times carry none.
#include <gtest/gtest.h>

#include <chrono>

#include "history/time_ordered_id.hpp"

namespace phonebill::history {
namespace {

using std::chrono::milliseconds;

const SystemTime kAt{milliseconds{1'796'540'400'123}};  // 2026-12-06T07:00:00.123Z

TEST(TimeOrderedId, CarriesItsTimeToTheMillisecond) {
  const auto id = time_ordered_id(kAt, 0xabc, 0x0123456789abcdef);
  EXPECT_EQ(id, "01a24a2701fb7abc0123456789abcdef");
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(time_of_id(id), kAt);
  auto window = id_search_window(id);
  ASSERT_TRUE(window.has_value());
  EXPECT_EQ(window->from, kAt - std::chrono::hours{24});
  EXPECT_EQ(window->to, kAt + std::chrono::hours{24});
}

TEST(TimeOrderedId, FreshIdsSortByTimeAndDiffer) {
  const auto first = new_time_ordered_id();
  const auto second =
      time_ordered_id(std::chrono::system_clock::now() + std::chrono::seconds{1}, 0, 0);
  EXPECT_LT(first, second);
  EXPECT_NE(new_time_ordered_id(), new_time_ordered_id());
  auto time = time_of_id(first);
  ASSERT_TRUE(time.has_value());
  EXPECT_LT(std::chrono::abs(std::chrono::system_clock::now() - *time), std::chrono::seconds{5});
}

TEST(TimeOrderedId, OtherIdsCarryNoTime) {
  EXPECT_FALSE(time_of_id("0123456789abcdef0123456789abcdef"));  // no version mark
  EXPECT_FALSE(time_of_id("01a24a2701fb7abc0123456789abcde"));   // 31 digits
  EXPECT_FALSE(time_of_id("01A24A2701FB7ABC0123456789ABCDEF"));  // upper case
  EXPECT_FALSE(time_of_id("01a24a2701fb7abc0123456789abcdeg"));  // not hex
  EXPECT_FALSE(time_of_id("0000000000007abc0123456789abcdef"));  // 1970
  EXPECT_FALSE(time_of_id("ffffffffffff7abc0123456789abcdef"));  // year 10889
  EXPECT_FALSE(id_search_window("../../etc/passwd"));
  EXPECT_FALSE(id_search_window(""));
}

}  // namespace
}  // namespace phonebill::history
