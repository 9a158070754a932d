// Fault injection through the admin API: latency, error rate, timeout rate and outage,
// globally and per endpoint, and reset.
#include <boost/json.hpp>

#include "kos_sim_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

json::object instant() {
  return {{"latencyMs", 0},
          {"jitterMs", 0},
          {"errorRate", 0.0},
          {"timeoutRate", 0.0},
          {"outage", false}};
}

json::object with_endpoint(const std::string& endpoint, json::object rule) {
  auto settings = instant();
  settings["endpoints"] = json::object{{endpoint, std::move(rule)}};
  return settings;
}

json::object bill_request(const std::string& line) {
  return {{"lineNumber", line},
          {"billingMonth", KosSimTest::current_month().kos_form()},
          {"requestId", KosSimTest::unique_request_id("fault")}};
}

}  // namespace

// GET shows what PUT set; DELETE returns to the start-up settings.
TEST_F(KosSimTest, FaultSettingsRoundTripAndReset) {
  auto settings = with_endpoint("bill.inquiry", {{"latencyMs", 250},
                                                 {"jitterMs", 10},
                                                 {"errorRate", 0.5},
                                                 {"timeoutRate", 0.0},
                                                 {"outage", false}});
  set_faults(settings);
  auto shown = call("GET", "/admin/faults");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.json.at("endpoints").at("bill.inquiry").at("latencyMs"), 250);
  EXPECT_EQ(shown.json.at("endpoints").at("bill.inquiry").at("errorRate"), 0.5);
  auto reset = call("DELETE", "/admin/faults");
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(reset.json.at("latencyMs"), 0);
  EXPECT_FALSE(reset.json.as_object().contains("endpoints") &&
               !reset.json.at("endpoints").as_object().empty());
}

// Invalid settings are refused with the fields named, and nothing changes.
TEST_F(KosSimTest, InvalidFaultSettingsAreRefused) {
  auto reply = call("PUT", "/admin/faults",
                    R"({"errorRate": 2, "latencyMs": -1, "endpoints": {"no.such": {}}})");
  EXPECT_EQ(reply.status, 400) << reply.body;
  auto text = reply.body;
  EXPECT_NE(text.find("errorRate"), std::string::npos);
  EXPECT_NE(text.find("latencyMs"), std::string::npos);
  EXPECT_NE(text.find("endpoints.no.such"), std::string::npos);
  EXPECT_EQ(call("PUT", "/admin/faults", "{not json").status, 400);
  EXPECT_EQ(call("GET", "/admin/faults").json.at("errorRate"), 0.0);
}

// Latency on one endpoint slows that endpoint only.
TEST_F(KosSimTest, LatencyAppliesPerEndpoint) {
  set_faults(with_endpoint("bill.inquiry", {{"latencyMs", 400}, {"jitterMs", 0}}));
  auto slow = post_json("/api/v1/kos/bill/inquiry", bill_request("01012345678"));
  EXPECT_EQ(slow.result_code(), "0000");
  EXPECT_GE(slow.elapsed, 390ms);
  auto fast = call("GET", "/api/v1/kos/product/list");
  EXPECT_EQ(fast.result_code(), "0000");
  EXPECT_LT(fast.elapsed, 300ms);
}

// errorRate 1 answers 9999 (HTTP 200) on that endpoint only.
TEST_F(KosSimTest, ErrorRateAnswersSystemError) {
  set_faults(with_endpoint("product.list", {{"errorRate", 1.0}}));
  auto failed = call("GET", "/api/v1/kos/product/list");
  EXPECT_EQ(failed.status, 200);
  EXPECT_EQ(failed.result_code(), "9999");
  EXPECT_EQ(post_json("/api/v1/kos/bill/inquiry", bill_request("01012345678")).result_code(),
            "0000");
}

// timeoutRate 1 never answers: the caller's deadline passes.
TEST_F(KosSimTest, TimeoutRateNeverAnswers) {
  set_faults(with_endpoint("bill.months", {{"timeoutRate", 1.0}}));
  auto reply = call("GET", "/api/v1/kos/bill/available-months/01012345678", {}, 500ms);
  EXPECT_TRUE(reply.timed_out);
  EXPECT_EQ(reply.status, 0);
  EXPECT_EQ(call("GET", "/api/v1/kos/product/list").result_code(), "0000");
}

// A timed-out change is still applied: only the order lookup can tell the caller.
TEST_F(KosSimTest, TimedOutChangeIsAppliedAndVisibleByOrderLookup) {
  set_faults(with_endpoint("product.change", {{"timeoutRate", 1.0}}));
  auto request_id = unique_request_id("lost-answer");
  json::object change{{"lineNumber", "01012345678"},
                      {"currentProductCode", "unknown"},
                      {"targetProductCode", "3G-OLD-001"},
                      {"requestId", request_id}};
  auto reply = post_json("/api/v1/kos/product/change", change, 500ms);
  EXPECT_TRUE(reply.timed_out);
  auto order = call("GET", "/api/v1/kos/product/change/" + request_id);
  ASSERT_EQ(order.result_code(), "0000") << order.body;
  EXPECT_EQ(order.data().at("status"), "FAILED");  // the discontinued plan is refused (2004)
  EXPECT_EQ(order.data().at("resultCode"), "2004");
}

// An outage answers HTTP 503 on every endpoint (global) or on one.
TEST_F(KosSimTest, OutageAnswers503) {
  auto one = with_endpoint("product.inquiry", {{"outage", true}});
  set_faults(one);
  auto down =
      post_json("/api/v1/kos/product/inquiry",
                json::object{{"lineNumber", "01012345678"}, {"requestId", unique_request_id("o")}});
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(call("GET", "/api/v1/kos/product/list").status, 200);

  auto everything = instant();
  everything["outage"] = true;
  set_faults(everything);
  EXPECT_EQ(call("GET", "/api/v1/kos/product/list").status, 503);
  EXPECT_EQ(call("GET", "/api/v1/kos/product/change/x-1").status, 503);
  EXPECT_EQ(post_json("/api/v1/kos/bill/inquiry", bill_request("01012345678")).status, 503);
  EXPECT_EQ(call("DELETE", "/admin/faults").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/kos/product/list").status, 200);
}
