// The ids a log line about a request carries: requestId, and traceId and spanId taken from
// the request's traceparent (left out when it is not a well-formed one).
#include <gtest/gtest.h>

#include "core/request_log.hpp"

namespace phonebill::log {
namespace {

TEST(RequestLogTest, CarriesTheRequestIdAndTheTraceparentsIds) {
  auto fields =
      request_log_fields("req-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(fields.at("requestId").as_string(), "req-1");
  EXPECT_EQ(fields.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(fields.at("spanId").as_string(), "00f067aa0ba902b7");
}

TEST(RequestLogTest, LeavesOutWhatIsMissingOrMalformed) {
  auto no_trace = request_log_fields("req-2", "garbage");
  EXPECT_EQ(no_trace.size(), 1u);
  EXPECT_TRUE(no_trace.contains("requestId"));
  auto no_id = request_log_fields("", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_FALSE(no_id.contains("requestId"));
  EXPECT_TRUE(no_id.contains("traceId"));
}

TEST(RequestLogTest, ADomainCallsLineAddsItsFieldsToTheRequestsIds) {
  RequestInfo request{"req-3", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", {}, {}};
  auto fields = request_log_fields(request, {{"changeId", "c-1"}, {"granted", true}});
  EXPECT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields.at("requestId").as_string(), "req-3");
  EXPECT_EQ(fields.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(fields.at("spanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(fields.at("changeId").as_string(), "c-1");
  EXPECT_TRUE(fields.at("granted").as_bool());
}

}  // namespace
}  // namespace phonebill::log
