// Reply conversion: RESP bytes are parsed by hiredis's own reader into a real redisReply
// tree, then converted, so these tests see exactly what reply callbacks see.
#include "cache/redis_reply.hpp"

#include <hiredis/hiredis.h>

#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "cache/redis_reply_conversion.hpp"

namespace phonebill::cache {
namespace {

// Parses one complete RESP value and converts it.
RedisResult<RedisReply> convert_wire(std::string_view wire) {
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader{redisReaderCreate(),
                                                                  &redisReaderFree};
  EXPECT_EQ(redisReaderFeed(reader.get(), wire.data(), wire.size()), REDIS_OK);
  void* parsed = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader.get(), &parsed), REDIS_OK);
  EXPECT_NE(parsed, nullptr);
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply{static_cast<redisReply*>(parsed),
                                                                &freeReplyObject};
  return detail::convert_reply(reply.get());
}

// Each scalar type keeps its kind and value.
TEST(RedisReplyConversion, ScalarsKeepKindAndValue) {
  EXPECT_EQ(convert_wire(":42\r\n").value(), RedisReply::from_integer(42));
  EXPECT_EQ(convert_wire(":-7\r\n").value(), RedisReply::from_integer(-7));
  EXPECT_EQ(convert_wire("+OK\r\n").value(), RedisReply::from_status("OK"));
  EXPECT_EQ(convert_wire("$5\r\nhello\r\n").value(), RedisReply::from_string("hello"));
  EXPECT_EQ(convert_wire("$0\r\n\r\n").value(), RedisReply::from_string(""));
  EXPECT_TRUE(convert_wire("$-1\r\n").value().is_nil());
}

// Bulk strings are binary-safe: NUL bytes and UTF-8 survive byte for byte.
TEST(RedisReplyConversion, BulkStringsAreBinarySafe) {
  std::string bytes{"a\0b\r\n", 5};
  auto reply = convert_wire("$5\r\n" + bytes + "\r\n").value();
  EXPECT_EQ(reply.text(), bytes);
  EXPECT_EQ(reply.text().size(), 5u);

  std::string korean = "요금 조회";
  reply = convert_wire("$" + std::to_string(korean.size()) + "\r\n" + korean + "\r\n").value();
  EXPECT_EQ(reply.text(), korean);
}

// Arrays nest, and may hold nils and errors (EXEC, EVAL) without failing the whole.
TEST(RedisReplyConversion, ArraysNestAndKeepInnerErrors) {
  auto reply = convert_wire("*4\r\n:1\r\n$-1\r\n-ERR inner\r\n*1\r\n$1\r\nx\r\n").value();
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.elements().size(), 4u);
  EXPECT_EQ(reply.elements()[0], RedisReply::from_integer(1));
  EXPECT_TRUE(reply.elements()[1].is_nil());
  EXPECT_EQ(reply.elements()[2], RedisReply::from_error("ERR inner"));
  EXPECT_EQ(reply.elements()[3], RedisReply::from_array({RedisReply::from_string("x")}));
  EXPECT_TRUE(convert_wire("*0\r\n").value().elements().empty());
}

// A null array is nil, as Redis means it (e.g. a timed-out BLPOP).
TEST(RedisReplyConversion, NullArrayIsNil) {
  EXPECT_TRUE(convert_wire("*-1\r\n").value().is_nil());
}

// A top-level error reply becomes a kServer error carrying Redis's text.
TEST(RedisReplyConversion, TopLevelErrorIsServerError) {
  auto result = convert_wire("-WRONGTYPE Operation against a key holding the wrong kind\r\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, RedisErrorKind::kServer);
  EXPECT_EQ(result.error().message, "WRONGTYPE Operation against a key holding the wrong kind");
}

// hiredis's null reply (connection freed before the answer) is kDisconnected.
TEST(RedisReplyConversion, NullReplyIsDisconnected) {
  auto result = detail::convert_reply(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, RedisErrorKind::kDisconnected);
}

// Accessors of another kind give neutral values instead of garbage.
TEST(RedisReply, AccessorsOfOtherKindsAreNeutral) {
  auto integer = RedisReply::from_integer(5);
  EXPECT_TRUE(integer.text().empty());
  EXPECT_TRUE(integer.elements().empty());
  EXPECT_EQ(RedisReply::from_string("5").integer(), 0);
  EXPECT_TRUE(RedisReply{}.is_nil());
}

// Values compare by kind as well as content: "OK" as status is not "OK" as string.
TEST(RedisReply, EqualityIncludesKind) {
  EXPECT_NE(RedisReply::from_status("OK"), RedisReply::from_string("OK"));
  EXPECT_NE(RedisReply::from_error("OK"), RedisReply::from_string("OK"));
  EXPECT_EQ(RedisReply::from_array({}), RedisReply::from_array({}));
  EXPECT_NE(RedisReply::from_array({}), RedisReply{});
}

// Test and log output is readable.
TEST(RedisReply, DescribeIsReadable) {
  auto reply = RedisReply::from_array({RedisReply::from_integer(1), RedisReply{},
                                       RedisReply::from_status("OK"), RedisReply::from_string("v"),
                                       RedisReply::from_error("ERR x")});
  EXPECT_EQ(describe(reply), "[1, nil, +OK, \"v\", -ERR x]");
  std::ostringstream stream;
  stream << RedisError{RedisErrorKind::kTimeout, "GET: timed out"};
  EXPECT_EQ(stream.str(), "timeout: GET: timed out");
}

// value() on an error throws instead of returning garbage (callers should check first).
TEST(RedisResult, ValueOnErrorThrows) {
  RedisResult<RedisReply> result = RedisError{RedisErrorKind::kDisconnected, "down"};
  EXPECT_THROW(result.value(), std::runtime_error);
}

}  // namespace
}  // namespace phonebill::cache
