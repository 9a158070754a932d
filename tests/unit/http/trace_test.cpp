// Request ids and traceparent: kept when valid, generated when not.
#include "http/trace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tracing/span_context.hpp"

using namespace phonebill::http;

// A valid incoming traceparent keeps its trace id and gets a new span id.
TEST(Trace, ContinuesValidTraceparent) {
  std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto context = continue_trace(incoming);
  EXPECT_EQ(context.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(context.traceparent.size(), 55u);
  EXPECT_EQ(context.traceparent.substr(0, 36), incoming.substr(0, 36));
  EXPECT_NE(context.traceparent.substr(36, 16), "00f067aa0ba902b7");
}

// Garbage, upper case and all-zero ids start a new trace.
TEST(Trace, StartsNewTraceForInvalidInput) {
  for (const char* bad : {"", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}) {
    auto context = continue_trace(bad);
    EXPECT_EQ(context.trace_id.size(), 32u);
    EXPECT_NE(context.trace_id, "00000000000000000000000000000000");
  }
}

// Client request ids are kept only when short and made of safe characters.
TEST(Trace, AcceptsOnlySaneRequestIds) {
  EXPECT_TRUE(is_acceptable_request_id("abc-123_x:y.z"));
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_acceptable_request_id("a\nb"));
  EXPECT_FALSE(is_acceptable_request_id("<script>"));
  EXPECT_EQ(generate_request_id().size(), 32u);
}

// Generated ids are written a byte at a time from a table (issue 17 item 2): still 32
// lowercase hex digits, written over the previous request's text, with every digit
// turning up at every position (odd ones only in the last), and a new trace's
// traceparent well-formed.
TEST(Trace, GeneratedIdsAreLowercaseHexAtEveryPosition) {
  std::string request_id = "a previous request's id, longer than thirty-two characters";
  std::vector<std::string> seen_digits(32);
  for (int i = 0; i < 2000; ++i) {
    generate_request_id(request_id);
    ASSERT_EQ(request_id.size(), 32u);
    for (std::size_t at = 0; at < 32; ++at) {
      char digit = request_id[at];
      ASSERT_TRUE((digit >= '0' && digit <= '9') || (digit >= 'a' && digit <= 'f')) << request_id;
      if (seen_digits[at].find(digit) == std::string::npos) seen_digits[at] += digit;
    }
  }
  for (std::size_t at = 0; at < 31; ++at)
    EXPECT_EQ(seen_digits[at].size(), 16u) << "position " << at;
  // The last bit is always set, so that an id is never all zero: odd digits only there.
  for (char digit : seen_digits[31])
    EXPECT_NE(std::string_view{"13579bdf"}.find(digit), std::string_view::npos) << digit;
  EXPECT_EQ(seen_digits[31].size(), 8u);
  std::string trace_id = "old", traceparent = "old";
  continue_trace("", trace_id, traceparent);
  EXPECT_TRUE(phonebill::tracing::is_valid_traceparent(traceparent)) << traceparent;
  EXPECT_EQ(traceparent.substr(3, 32), trace_id);
  EXPECT_NE(generate_request_id(), generate_request_id());
}
