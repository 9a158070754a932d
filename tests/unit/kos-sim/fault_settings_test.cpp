// Fault settings: the /admin/faults body (parse, validate, serialise), per-endpoint
// overrides, and the per-request decision driven by scripted random draws.
#include "fault_settings.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "support/field_errors_text.hpp"

using namespace phonebill;
using namespace phonebill::kos_sim;
using std::chrono::milliseconds;

namespace {

using test_support::fields_of;

boost::json::value json(std::string_view text) {
  auto value = parse_json(text);
  EXPECT_TRUE(value) << text;
  return value ? *value : boost::json::value{};
}

}  // namespace

// Out of the box kos-sim answers in 100 ms ± 50 ms without faults (SPEC §8).
TEST(FaultSettings, DefaultsAreTheSpecDefaults) {
  FaultSettings settings;
  EXPECT_EQ(settings.global.latency_ms, 100);
  EXPECT_EQ(settings.global.jitter_ms, 50);
  EXPECT_EQ(settings.global.error_rate, 0.0);
  EXPECT_EQ(settings.global.timeout_rate, 0.0);
  EXPECT_FALSE(settings.global.outage);
  EXPECT_TRUE(settings.endpoints.empty());
  FieldErrors errors;
  EXPECT_EQ(parse_fault_settings(json("{}"), errors), settings);
}

// Endpoint names are the six of SPEC §8 and nothing else.
TEST(FaultSettings, EndpointNamesRoundTrip) {
  for (auto endpoint : kAllEndpoints) EXPECT_EQ(parse_endpoint(endpoint_name(endpoint)), endpoint);
  EXPECT_EQ(endpoint_name(Endpoint::kProductOrder), "product.order");
  EXPECT_FALSE(parse_endpoint("bill"));
  EXPECT_FALSE(parse_endpoint("Bill.Inquiry"));
}

// The SPEC's example body parses; endpoint fields left out inherit the body's global ones.
TEST(FaultSettings, ParsesTheSpecBodyWithEndpointOverride) {
  FieldErrors errors;
  auto settings = parse_fault_settings(json(R"({
      "latencyMs": 0, "jitterMs": 0, "errorRate": 0.0, "timeoutRate": 0.0, "outage": false,
      "endpoints": {"bill.inquiry": {"errorRate": 0.5, "latencyMs": 2000},
                    "product.change": {"outage": true}}})"),
                                       errors);
  ASSERT_TRUE(settings) << fields_of(errors);
  EXPECT_EQ(settings->global, FaultRule::instant());
  EXPECT_EQ(settings->rule_for(Endpoint::kBillInquiry), (FaultRule{2000, 0, 0.5, 0.0, false}));
  EXPECT_EQ(settings->rule_for(Endpoint::kProductChange), (FaultRule{0, 0, 0.0, 0.0, true}));
  EXPECT_EQ(settings->rule_for(Endpoint::kProductList), FaultRule::instant());
}

// Every out-of-range or wrongly typed field is reported with its path.
TEST(FaultSettings, RejectsOutOfRangeValuesWithTheirPaths) {
  FieldErrors errors;
  auto settings = parse_fault_settings(json(R"({
      "latencyMs": -1, "jitterMs": 600001, "errorRate": 1.5, "timeoutRate": "x", "outage": 1,
      "endpoints": {"bill.months": {"timeoutRate": -0.1, "latencyMs": 1.5}}})"),
                                       errors);
  EXPECT_FALSE(settings);
  EXPECT_EQ(fields_of(errors),
            "latencyMs;jitterMs;errorRate;timeoutRate;outage;"
            "endpoints.bill.months.latencyMs;endpoints.bill.months.timeoutRate;");
}

// The limits themselves are allowed.
TEST(FaultSettings, AcceptsTheLimits) {
  FieldErrors errors;
  auto settings = parse_fault_settings(
      json(R"({"latencyMs": 600000, "jitterMs": 0, "errorRate": 1, "timeoutRate": 0})"), errors);
  ASSERT_TRUE(settings) << fields_of(errors);
  EXPECT_EQ(settings->global.latency_ms, kMaxLatencyMs);
  EXPECT_EQ(settings->global.error_rate, 1.0);
}

// An unknown endpoint name is an error under endpoints.<name>, not silently ignored.
TEST(FaultSettings, UnknownEndpointIsAnError) {
  FieldErrors errors;
  EXPECT_FALSE(parse_fault_settings(json(R"({"endpoints": {"bill.inquri": {}}})"), errors));
  ASSERT_EQ(errors.list().size(), 1u);
  EXPECT_EQ(errors.list()[0].field, "endpoints.bill.inquri");
  EXPECT_NE(errors.list()[0].reason.find("bill.inquiry"), std::string::npos);
}

// Non-object bodies, endpoint maps and endpoint entries are rejected.
TEST(FaultSettings, RejectsNonObjects) {
  FieldErrors body_errors, map_errors, entry_errors;
  EXPECT_FALSE(parse_fault_settings(json("[]"), body_errors));
  EXPECT_EQ(fields_of(body_errors), "body;");
  EXPECT_FALSE(parse_fault_settings(json(R"({"endpoints": []})"), map_errors));
  EXPECT_EQ(fields_of(map_errors), "endpoints;");
  EXPECT_FALSE(parse_fault_settings(json(R"({"endpoints": {"product.list": 3}})"), entry_errors));
  EXPECT_EQ(fields_of(entry_errors), "endpoints.product.list;");
}

// GET shows what PUT stored: serialising and parsing again gives the same settings.
TEST(FaultSettings, SerialisedSettingsParseBackUnchanged) {
  FaultSettings settings;
  settings.global = FaultRule{250, 20, 0.1, 0.05, false};
  settings.endpoints[Endpoint::kProductOrder] = FaultRule{0, 0, 0.0, 1.0, false};
  auto body = to_json(settings);
  EXPECT_EQ(body.at("latencyMs"), 250);
  EXPECT_EQ(body.at("endpoints").at("product.order").at("timeoutRate"), 1.0);
  FieldErrors errors;
  auto text = to_json_text(body);
  EXPECT_EQ(parse_fault_settings(json(text), errors), settings) << text;
  EXPECT_EQ(to_json(FaultSettings{}).at("endpoints").as_object().size(), 0u);
}

// Jitter spreads the delay over latency ± jitter: draw 0 gives the low end, 0.5 the middle.
TEST(FaultSettings, DecideSpreadsDelayByJitter) {
  FaultSettings settings;  // 100 ± 50
  FixedSequenceRandom low{{0.0, 0.9, 0.9}}, middle{{0.5, 0.9, 0.9}}, high{{0.999, 0.9, 0.9}};
  EXPECT_EQ(settings.decide(Endpoint::kBillInquiry, low).delay, milliseconds{50});
  EXPECT_EQ(settings.decide(Endpoint::kBillInquiry, middle).delay, milliseconds{100});
  EXPECT_EQ(settings.decide(Endpoint::kBillInquiry, high).delay, milliseconds{150});
  EXPECT_EQ(high.draws(), 3u);
}

// Jitter larger than the latency never makes a negative delay.
TEST(FaultSettings, DelayIsNeverNegative) {
  FaultSettings settings;
  settings.global = FaultRule{10, 100, 0.0, 0.0, false};
  FixedSequenceRandom random{{0.0, 0.5, 0.5}};
  EXPECT_EQ(settings.decide(Endpoint::kProductList, random).delay, milliseconds{0});
}

// A draw below the rate triggers the fault; at or above it does not.
TEST(FaultSettings, DecideAppliesRatesToTheDraws) {
  FaultSettings settings;
  settings.global = FaultRule{0, 0, 0.3, 0.2, false};
  FixedSequenceRandom timeout{{0.5, 0.1, 0.9}}, error{{0.5, 0.2, 0.29}}, clean{{0.5, 0.2, 0.3}};
  auto timed_out = settings.decide(Endpoint::kProductChange, timeout);
  EXPECT_TRUE(timed_out.never_answer);
  EXPECT_FALSE(timed_out.system_error);
  auto failed = settings.decide(Endpoint::kProductChange, error);
  EXPECT_TRUE(failed.system_error);
  EXPECT_FALSE(failed.never_answer);
  EXPECT_EQ(settings.decide(Endpoint::kProductChange, clean), FaultPlan{});
}

// An outage wins over everything else, whatever the draws.
TEST(FaultSettings, OutageWinsOverOtherFaults) {
  FaultSettings settings;
  settings.global = FaultRule{0, 0, 1.0, 1.0, true};
  FixedSequenceRandom random{{0.0}};
  auto plan = settings.decide(Endpoint::kBillMonths, random);
  EXPECT_TRUE(plan.outage);
  EXPECT_FALSE(plan.never_answer);
  EXPECT_FALSE(plan.system_error);
}

// An endpoint's override replaces the global rule for it alone.
TEST(FaultSettings, EndpointOverrideAppliesOnlyToItsEndpoint) {
  FaultSettings settings;
  settings.global = FaultRule::instant();
  settings.endpoints[Endpoint::kBillInquiry] = FaultRule{0, 0, 1.0, 0.0, false};
  FixedSequenceRandom random{{0.5}};
  EXPECT_TRUE(settings.decide(Endpoint::kBillInquiry, random).system_error);
  EXPECT_FALSE(settings.decide(Endpoint::kBillMonths, random).system_error);
}

// Rates of 1 always fire even on the highest possible draw.
TEST(FaultSettings, RateOfOneAlwaysFires) {
  FaultSettings settings;
  settings.global = FaultRule{0, 0, 1.0, 0.0, false};
  FixedSequenceRandom random{{0.9999999}};
  EXPECT_TRUE(settings.decide(Endpoint::kProductInquiry, random).system_error);
}

// Over many seeded draws the error share is close to the configured rate.
TEST(FaultSettings, ErrorShareFollowsTheRate) {
  FaultSettings settings;
  settings.global = FaultRule{0, 0, 0.25, 0.0, false};
  SeededRandom random{7};
  int errors = 0;
  for (int i = 0; i < 10000; ++i)
    errors += settings.decide(Endpoint::kBillInquiry, random).system_error;
  EXPECT_NEAR(errors / 10000.0, 0.25, 0.02);
}

// timeoutApplies: true by default (a timed-out change is applied, its answer lost),
// settable globally and per endpoint, inherited by endpoint rules, shown by GET, carried
// into the plan, and a non-boolean is an error with its path.
TEST(FaultSettings, TimeoutAppliesIsParsedInheritedAndPlanned) {
  EXPECT_TRUE(FaultRule{}.timeout_applies);
  FieldErrors errors;
  auto settings = parse_fault_settings(json(R"({"timeoutApplies": false, "endpoints": {
      "product.change": {"timeoutRate": 1.0}, "product.order": {"timeoutApplies": true}}})"),
                                       errors);
  ASSERT_TRUE(settings) << fields_of(errors);
  EXPECT_FALSE(settings->global.timeout_applies);
  EXPECT_FALSE(settings->rule_for(Endpoint::kProductChange).timeout_applies);
  EXPECT_TRUE(settings->rule_for(Endpoint::kProductOrder).timeout_applies);
  auto body = to_json(*settings);
  EXPECT_EQ(body.at("endpoints").at("product.change").at("timeoutApplies"), false);
  FieldErrors reparsed;
  EXPECT_EQ(parse_fault_settings(json(to_json_text(body)), reparsed), settings);

  FixedSequenceRandom always{{0.5, 0.0, 0.9}};
  auto plan = settings->decide(Endpoint::kProductChange, always);
  EXPECT_TRUE(plan.never_answer);
  EXPECT_FALSE(plan.timeout_applies);

  FieldErrors wrong;
  EXPECT_FALSE(parse_fault_settings(
      json(R"({"endpoints": {"product.change": {"timeoutApplies": 1}}})"), wrong));
  EXPECT_EQ(fields_of(wrong), "endpoints.product.change.timeoutApplies;");
}
