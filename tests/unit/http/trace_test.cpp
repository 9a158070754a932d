// Request ids and traceparent: kept when valid, generated when not.
#include "http/trace.hpp"

#include <gtest/gtest.h>

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
