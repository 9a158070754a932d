// Header lines rendered by hand (header_line.hpp) and a Response's rendered fields: what
// could smuggle or frame a message is refused, at run time for names and values that
// come from elsewhere, when compiling for names written in the code.
#include <gtest/gtest.h>

#include "http/header_line.hpp"
#include "http/response.hpp"

using namespace phonebill::http;

TEST(ResponseHeaderLineTest, AppendsOneLinePerAcceptedField) {
  std::string lines;
  EXPECT_TRUE(append_header_line(lines, "accept", "application/json"));
  EXPECT_TRUE(append_header_line(lines, "x-empty", ""));
  EXPECT_EQ(lines, "\r\naccept: application/json\r\nx-empty: ");
}

TEST(ResponseHeaderLineTest, RefusesWhatCouldSmuggleOrFrameAMessage) {
  std::string lines;
  std::string token = "Bearer " + std::string(400, 'a');
  EXPECT_FALSE(append_header_line(lines, "authorization", token + "\r\nx-injected: 1"));
  EXPECT_FALSE(append_header_line(lines, "authorization", token + "\nx-injected: 1"));
  EXPECT_FALSE(append_header_line(lines, "authorization", token + "\r"));
  EXPECT_FALSE(append_header_line(lines, "x-a\r\nx-injected", "1"));
  EXPECT_FALSE(append_header_line(lines, "x-a\nb", "1"));
  EXPECT_FALSE(append_header_line(lines, "x-a: b", "1"));
  EXPECT_FALSE(append_header_line(lines, "", "1"));
  for (const char* framing : {"host", "Host", "content-length", "Content-LENGTH",
                              "transfer-encoding", "Transfer-Encoding"})
    EXPECT_FALSE(append_header_line(lines, framing, "1")) << framing;
  EXPECT_EQ(lines, "");
  EXPECT_TRUE(append_header_line(lines, "hosts", "1"));  // only the framing names themselves
}

TEST(ResponseHeaderLineTest, KnownNamesAreCheckedWhenCompilingValuesWhenRunning) {
  static_assert(FieldName{"RateLimit-Policy"}.name() == "RateLimit-Policy");
  static_assert(FieldName{"x-request-id"}.line_start() == "\r\nx-request-id: ");
  static_assert(is_framing_name("Content-Length") && !is_framing_name("content-type"));
  // FieldName{"x-a: b"}, FieldName{"Host"} or FieldName{""} would not compile.
  std::string lines;
  EXPECT_TRUE(append_known_header_line(lines, "x-request-id", "abc"));
  EXPECT_FALSE(append_known_header_line(lines, "traceparent", "00-a\r\nx-injected: 1"));
  EXPECT_EQ(lines, "\r\nx-request-id: abc");
}

TEST(ResponseHeaderLineTest, AResponseFindsItsRenderedFields) {
  Response response;
  response.set_header("Retry-After", "1");
  EXPECT_TRUE(response.add_header_line("Server-Timing", "upstream;dur=1.5"));
  EXPECT_TRUE(response.add_header_line("RateLimit", R"("ip";r=9;t=1)"));
  EXPECT_FALSE(response.add_header_line("RateLimit-Policy", "x\r\nSet-Cookie: a=b"));
  EXPECT_EQ(response.header_lines,
            "\r\nServer-Timing: upstream;dur=1.5\r\nRateLimit: \"ip\";r=9;t=1");
  EXPECT_EQ(response.header("Retry-After"), "1");
  EXPECT_EQ(response.header("Server-Timing"), "upstream;dur=1.5");
  EXPECT_EQ(response.header("RateLimit"), R"("ip";r=9;t=1)");
  EXPECT_EQ(response.header("RateLimit-Policy"), "");
  EXPECT_EQ(response.header("Set-Cookie"), "");
}
