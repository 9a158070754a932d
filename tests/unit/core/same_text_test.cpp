// is_exactly: the whole text against a literal, its length first.
#include "core/same_text.hpp"

#include <gtest/gtest.h>

#include <string>

using phonebill::is_exactly;

TEST(SameTextTest, IsExactly) {
  EXPECT_TRUE(is_exactly("HEAD", "HEAD"));
  EXPECT_TRUE(is_exactly(std::string{"content-length"}, "content-length"));
  EXPECT_TRUE(is_exactly("", ""));
  EXPECT_FALSE(is_exactly("HEAD", "head"));
  EXPECT_FALSE(is_exactly("HEADS", "HEAD"));
  EXPECT_FALSE(is_exactly("HEA", "HEAD"));
  EXPECT_FALSE(is_exactly("", "HEAD"));
  EXPECT_FALSE(is_exactly(std::string_view{"HEAD\0", 5}, "HEAD"));
}
