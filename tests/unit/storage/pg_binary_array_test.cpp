// PgBinaryArray writes the layout PostgreSQL's array_recv reads, byte for byte (the
// round trip through a real server is in tests/integration/storage/pg_connection_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "storage/pg_binary_array.hpp"

namespace phonebill::storage {
namespace {

using namespace std::string_literals;

TEST(PgBinaryArrayTest, TextElementsAndANull) {
  PgBinaryArray array{PgArrayOf::kText};
  array.text("ab");
  array.null();
  array.text("");
  EXPECT_EQ(array.size(), 3u);
  const auto bytes = std::move(array).finish();
  EXPECT_EQ(bytes,
            "\0\0\0\1"s          // one dimension
            "\0\0\0\1"s          // some element is NULL
            "\0\0\0\x19"s        // text (OID 25)
            "\0\0\0\3"s          // three elements
            "\0\0\0\1"s          // from index 1
            "\0\0\0\2ab"s        // "ab"
            "\xff\xff\xff\xff"s  // NULL
            "\0\0\0\0"s);        // ""
}

TEST(PgBinaryArrayTest, IntegersAndTimesBigEndian) {
  PgBinaryArray integers{PgArrayOf::kInt4};
  integers.int4(-2);
  EXPECT_EQ(std::move(integers).finish(),
            "\0\0\0\1\0\0\0\0\0\0\0\x17\0\0\0\1\0\0\0\1"s
            "\0\0\0\4\xff\xff\xff\xfe"s);

  // 2000-01-01 00:00:01 UTC: one second after PostgreSQL's epoch, in microseconds.
  PgBinaryArray times{PgArrayOf::kTimestamptz};
  times.timestamptz(std::chrono::sys_time<std::chrono::microseconds>{
      std::chrono::sys_days{std::chrono::year{2000} / 1 / 1} + std::chrono::seconds{1}});
  EXPECT_EQ(std::move(times).finish(),
            "\0\0\0\1\0\0\0\0\0\0\x04\xa0\0\0\0\1\0\0\0\1"s  // timestamptz (OID 1184)
            "\0\0\0\x08\0\0\0\0\0\x0f\x42\x40"s);            // 1,000,000
}

TEST(PgBinaryArrayTest, AnEmptyArrayHasNoElements) {
  PgBinaryArray array{PgArrayOf::kBytea};
  EXPECT_EQ(std::move(array).finish(), "\0\0\0\1\0\0\0\0\0\0\0\x11\0\0\0\0\0\0\0\1"s);
}

}  // namespace
}  // namespace phonebill::storage
