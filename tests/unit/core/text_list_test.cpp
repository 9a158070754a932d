// split_list: the one comma-list splitter (configuration lists, header lists, stored lists).
#include <gtest/gtest.h>

#include "core/text_list.hpp"

using phonebill::split_list;
using phonebill::trim_blanks;
using List = std::vector<std::string_view>;

// Blanks around items go, empty items are skipped, order is kept.
TEST(SplitListTest, TrimsAndSkipsEmptyItems) {
  EXPECT_EQ(split_list("a, b ,\tc"), (List{"a", "b", "c"}));
  EXPECT_EQ(split_list(" a, ,b,, "), (List{"a", "b"}));
  EXPECT_EQ(split_list(""), List{});
  EXPECT_EQ(split_list(" , "), List{});
  EXPECT_EQ(split_list("only"), List{"only"});
}

// Blanks inside an item stay; another separator can be named.
TEST(SplitListTest, KeepsInnerBlanksAndTakesASeparator) {
  EXPECT_EQ(split_list("gzip;q=0, deflate"), (List{"gzip;q=0", "deflate"}));
  EXPECT_EQ(split_list("a b; c", ';'), (List{"a b", "c"}));
  EXPECT_EQ(trim_blanks(" \t x y \t"), "x y");
  EXPECT_EQ(trim_blanks("  "), "");
}
