// The ids a log line about a request carries: requestId, and traceId and spanId taken from
// the request's traceparent (left out when it is not a well-formed one).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// The access log renders its fields without a JSON object: the same ids, and every
// string escaped so that the line parses back to exactly what was logged.
TEST(RequestLogTest, RenderedFieldsParseBackToTheSameValues) {
  std::string line = R"({"event":"access")";
  append_request_ids(line, "req-4", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const std::string agent = "curl \"quoted\" back\\slash\nnew\tline\x01\x1f \xea\xb0\x80";
  append_field(line, "userAgent", agent);
  append_field(line, "status", std::int64_t{201});
  append_field(line, "bytesOut", std::uint64_t{12345});
  append_field(line, "latencyMs", 1.5);
  append_field(line, "upstreamMs", 0.0);
  line.push_back('}');
  auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("requestId").as_string(), "req-4");
  EXPECT_EQ(parsed.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed.at("spanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(std::string(parsed.at("userAgent").as_string()), agent);
  EXPECT_EQ(parsed.at("status").as_int64(), 201);
  EXPECT_EQ(parsed.at("bytesOut").to_number<std::int64_t>(), 12345);
  // Always a double, even when whole: a reader's as_double() must not fail.
  EXPECT_TRUE(parsed.at("latencyMs").is_double());
  EXPECT_DOUBLE_EQ(parsed.at("latencyMs").as_double(), 1.5);
  EXPECT_TRUE(parsed.at("upstreamMs").is_double());
  // A malformed traceparent leaves the trace ids out, as request_log_fields does.
  std::string bare;
  append_request_ids(bare, "req-5", "garbage");
  EXPECT_EQ(bare, R"(,"requestId":"req-5")");
}

// latencyMs and upstreamMs: exactly std::to_chars(value, fixed, 3)'s text (written from
// the integer thousandths where that is certain, by to_chars near a half-way point),
// for whole, tiny, large, random and half-way values.
TEST(RequestLogTest, MillisecondsAreWrittenAsToCharsFixedWritesThem) {
  std::vector<double> values = {0.0,     0.0004999, 0.0005, 0.0005000001, 0.001, 0.9995,
                                1.0,     1.5,       2.0005, 12.3,         99.99949999,
                                150.605, 1e6,       999999999.9994,       999999999.9996,
                                1e9,     1e12,      123456789012.5,       -1.5,
                                0.1 + 0.2};
  std::mt19937_64 random{17};
  for (int i = 0; i < 20000; ++i) {
    const double scale = std::pow(10.0, double(random() % 12) - 2);
    values.push_back(std::uniform_real_distribution<double>(0.0, 1.0)(random) * scale);
    // A thousandth and a half, give or take a few units in the last place.
    const double half_way = (double(random() % 10'000'000) + 0.5) / 1000.0;
    values.push_back(std::nextafter(half_way, 0.0));
    values.push_back(half_way);
    values.push_back(std::nextafter(half_way, 1e300));
  }
  for (double value : values) {
    std::string line;
    append_field(line, "latencyMs", value);
    char expected[400];
    auto end = std::to_chars(expected, expected + sizeof expected, value,
                             std::chars_format::fixed, 3).ptr;
    ASSERT_EQ(line, R"(,"latencyMs":)" + std::string(expected, end)) << value;
  }
}

// inf and nan are no JSON numbers: the field says null, and the line stays JSON (the
// old code wrote ,"upstreamMs":inf).
TEST(RequestLogTest, AMillisecondCountThatIsNoNumberIsNull) {
  for (double value : {std::numeric_limits<double>::infinity(),
                       -std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
    std::string line = R"({"event":"access")";
    append_field(line, "upstreamMs", value);
    line.push_back('}');
    EXPECT_EQ(line, R"({"event":"access","upstreamMs":null})");
    EXPECT_TRUE(boost::json::parse(line).as_object().at("upstreamMs").is_null());
  }
}

// Keys are quoted at compile time; the text is the one the escaper would write.
TEST(RequestLogTest, AKeyIsWrittenAsItsQuotedText) {
  std::string line;
  append_field(line, "bytesIn", std::uint64_t{0});
  append_field(line, "status", std::int64_t{-1});
  append_field(line, "user", std::string_view{""});
  EXPECT_EQ(line, R"(,"bytesIn":0,"status":-1,"user":"")");
}

// A plain value goes with its key in one append up to 200 bytes, a longer one or one to
// escape in pieces: the text is the same either way, for the longest key, after what the
// line already holds, with an escape at the start, the end or nowhere.
TEST(RequestLogTest, AStringFieldIsTheEscapersTextAtEveryLength) {
  for (std::size_t size = 0; size <= 260; ++size) {
    for (int escape : {-1, 0, 1}) {
      std::string value(size, 'v');
      if (size > 0 && escape == 0) value.front() = '"';
      if (size > 0 && escape == 1) value.back() = '\n';
      std::string line = "{\"event\":\"x\"";
      append_field(line, "aKeyOfTwentySixCharacters_", value);
      EXPECT_EQ(line, "{\"event\":\"x\",\"aKeyOfTwentySixCharacters_\":" +
                          boost::json::serialize(boost::json::string(value)))
          << "size " << size << " escape " << escape;
    }
  }
}

}  // namespace
}  // namespace phonebill::log
