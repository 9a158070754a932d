// join_text: SQL statements sharing one fragment, joined at compile time.
#include <gtest/gtest.h>

#include "core/joined_text.hpp"

using phonebill::core::join_text;
using phonebill::core::joined_view;

namespace {
constexpr char kJoinTestHead[] = "SELECT a\n";
constexpr auto kJoinTestJoined = join_text(kJoinTestHead, "WHERE b = $1\n");
}  // namespace

// The parts in order, nothing lost at the seams, one terminating '\0' outside the view.
TEST(JoinTextTest, JoinsPartsInOrder) {
  static_assert(kJoinTestJoined.size() ==
                sizeof(kJoinTestHead) - 1 + sizeof("WHERE b = $1\n") - 1 + 1);
  EXPECT_EQ(joined_view(kJoinTestJoined), "SELECT a\nWHERE b = $1\n");
  EXPECT_EQ(kJoinTestJoined.back(), '\0');
  constexpr auto three = join_text("x", "", "yz");
  EXPECT_EQ(joined_view(three), "xyz");
}
