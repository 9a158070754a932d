// Query strings and request heads: decoding, and what counts as malformed (query_string.hpp,
// request_head.hpp).
#include <gtest/gtest.h>

#include "http/query_string.hpp"
#include "http/request_head.hpp"

using namespace phonebill;
using namespace phonebill::http;

// Names and values are percent-decoded, '+' is a space, the first match wins.
TEST(QueryString, FindsDecodedParameters) {
  EXPECT_EQ(find_query_parameter("page=2&size=10", "size"), "10");
  EXPECT_EQ(find_query_parameter("q=%ED%95%9C+b&q=second", "q"), "한 b");
  EXPECT_EQ(find_query_parameter("line%4Eumber=1", "lineNumber"), "1");
  EXPECT_EQ(find_query_parameter("flag&x=", "flag"), "");
  EXPECT_EQ(find_query_parameter("&&a=1&&", "a"), "1");
  EXPECT_EQ(find_query_parameter("a=1", "b"), std::nullopt);
  EXPECT_EQ(find_query_parameter("", "a"), std::nullopt);
  // Characters RFC 3986 leaves out of queries but browsers send as they are.
  EXPECT_EQ(find_query_parameter("status=a|b{c}^", "status"), "a|b{c}^");
}

// A malformed value reads as written (a validator then rejects it) instead of throwing.
TEST(QueryString, MalformedValueComesBackUndecoded) {
  EXPECT_EQ(find_query_parameter("page=%zz", "page"), "%zz");
  EXPECT_EQ(find_query_parameter("page=1%", "page"), "1%");
}

TEST(QueryString, ProblemsAreNamed) {
  EXPECT_EQ(query_string_problem("page=1&size=20&q=%ED%95%9C+x"), std::nullopt);
  EXPECT_EQ(query_string_problem("page=%zz"), "malformed percent-encoding");
  EXPECT_EQ(query_string_problem("page=%4"), "malformed percent-encoding");
  EXPECT_EQ(query_string_problem("%=1"), "malformed percent-encoding");
  EXPECT_EQ(query_string_problem("page=%00"), "control character");
  EXPECT_EQ(query_string_problem("page=%ff"), "not valid UTF-8 once decoded");
  EXPECT_EQ(query_string_problem("page=%ED%A0%80"), "not valid UTF-8 once decoded");  // a surrogate
}

TEST(RequestHead, SplitsTheTarget) {
  auto target = split_target("/a/b?x=1?y");
  EXPECT_EQ(target.path, "/a/b");
  EXPECT_EQ(target.query, "x=1?y");
  EXPECT_EQ(split_target("/a").query, "");
}

// Each malformed part is named; header problems name the header, never its value.
TEST(RequestHead, NamesEveryMalformedPart) {
  FieldErrors clean;
  check_request_head(split_target("/api/v1/bills/%ED%95%9C?page=1"), {{"user-agent", "a\tb é"}},
                     clean);
  EXPECT_TRUE(clean.empty());
  FieldErrors errors;
  check_request_head(split_target("/x/%zz?page=%zz"), {{"authorization", "Bearer \xff\xfe"}},
                     errors);
  ASSERT_EQ(errors.list().size(), 3u);
  EXPECT_EQ(errors.list()[0].field, "path");
  EXPECT_EQ(errors.list()[1].field, "query");
  EXPECT_EQ(errors.list()[2].field, "headers");
  EXPECT_EQ(errors.list()[2].reason, "authorization: not valid UTF-8");
  FieldErrors absolute;
  check_request_head(split_target("http://example.com/"), {}, absolute);
  EXPECT_EQ(absolute.list().at(0).reason, "must start with /");
  FieldErrors control;
  check_request_head(split_target("/a%0Ab"), {}, control);
  EXPECT_EQ(control.list().at(0).reason, "control character");
}

// A long header value (a bearer token) is pre-checked in one pass: a tab anywhere is
// still fine, and a control, DEL or a bad UTF-8 byte anywhere is still named.
TEST(RequestHead, LongHeaderValuesAreCheckedAtEveryPosition) {
  const std::string token = "Bearer " + std::string(414, 'x');
  for (std::size_t at = 0; at < token.size(); ++at) {
    auto expect_reason = [&](char byte, std::string_view reason) {
      auto value = token;
      value[at] = byte;
      FieldErrors errors;
      check_request_head(split_target("/api/v1/bills/menu"), {{"authorization", value}}, errors);
      if (reason.empty()) {
        EXPECT_TRUE(errors.empty()) << "at " << at;
      } else {
        ASSERT_EQ(errors.list().size(), 1u) << "at " << at;
        EXPECT_EQ(errors.list()[0].reason, reason) << "at " << at;
      }
    };
    expect_reason('\t', "");
    expect_reason('\x01', "authorization: control character");
    expect_reason('\x7f', "authorization: control character");
    expect_reason('\xff', "authorization: not valid UTF-8");
  }
}
