// The gateway's real log output (SPEC §13, issue 18 item 4): the access line of a request
// carries its requestId, the traceId and spanId the gateway returned in traceparent, the
// instance, bytes in and out, the user agent, the instance that answered and its time; no line
// holds the bearer token or the line number the request carried.
#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <sstream>
#include <thread>

#include "core/json.hpp"
#include "gateway_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;

namespace {

// The gateway's "access" line for `request_id`, parsed (null until it is written: the log
// is flushed every second).
boost::json::value access_line(const std::string& log, const std::string& request_id) {
  std::istringstream lines{log};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\"access\"") == std::string::npos || line.find(request_id) == std::string::npos)
      continue;
    if (auto parsed = parse_json(line); parsed && parsed->is_object()) return *parsed;
  }
  return nullptr;
}

std::string text(const boost::json::object& object, const char* key) {
  auto* found = object.if_contains(key);
  return found && found->is_string() ? std::string{found->get_string()} : std::string{};
}

}  // namespace

TEST_F(GatewayTest, AccessLogCarriesTraceIdsInstanceBytesUserAgentAndUpstream) {
  auto token = user01_token();
  std::string body = R"({"lineNumber":"01012345678","inquiryMonth":"2026-01"})";
  auto reply = http_call(port(), "POST", "/api/v1/bills/inquiry",
                         {{"Authorization", "Bearer " + token},
                          {"X-Request-Id", "req-access-log-1"},
                          {"User-Agent", "phonebill-test/1.0 (access log)"},
                          {"Content-Type", "application/json"}},
                         body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto traceparent = reply.header("traceparent");
  ASSERT_EQ(traceparent.size(), 55u);

  boost::json::value line;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  std::string log;
  while (std::chrono::steady_clock::now() < until) {
    log = gateway_log();
    line = access_line(log, "req-access-log-1");
    if (!line.is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  ASSERT_TRUE(line.is_object()) << "no access line for the request; log:\n" << log;
  const auto& fields = line.as_object();
  EXPECT_EQ(text(fields, "event"), "access");
  EXPECT_EQ(text(fields, "requestId"), "req-access-log-1");
  EXPECT_EQ(text(fields, "traceId"), traceparent.substr(3, 32));
  EXPECT_EQ(text(fields, "spanId"), traceparent.substr(36, 16));
  EXPECT_FALSE(text(fields, "instance").empty());
  EXPECT_EQ(text(fields, "route"), "/api/v1/bills/inquiry");
  EXPECT_FALSE(text(fields, "upstream").empty());
  // The upstream's share of the latency (the gateway also sends it as Server-Timing).
  ASSERT_TRUE(fields.contains("upstreamMs") && fields.at("upstreamMs").is_number());
  EXPECT_GE(fields.at("upstreamMs").to_number<double>(), 0.0);
  EXPECT_LE(fields.at("upstreamMs").to_number<double>(),
            fields.at("latencyMs").to_number<double>() + 0.1);
  EXPECT_TRUE(reply.header("server-timing").starts_with("upstream;dur="));
  // The very number the header shows (the log takes the proxy's count, not the header).
  double announced = -1;
  auto timing = reply.header("server-timing").substr(13);
  std::from_chars(timing.data(), timing.data() + timing.size(), announced);
  EXPECT_EQ(fields.at("upstreamMs").to_number<double>(), announced) << timing;
  EXPECT_EQ(text(fields, "userAgent"), "phonebill-test/1.0 (access log)");
  ASSERT_TRUE(fields.contains("bytesIn") && fields.at("bytesIn").is_number());
  EXPECT_EQ(fields.at("bytesIn").to_number<std::int64_t>(), std::int64_t(body.size()));
  ASSERT_TRUE(fields.contains("bytesOut") && fields.at("bytesOut").is_number());
  EXPECT_EQ(fields.at("bytesOut").to_number<std::int64_t>(), std::int64_t(reply.body.size()));
  // Secrets and full line numbers never reach the log.
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find("01012345678"), std::string::npos);
}
