// The OTLP/HTTP JSON mapping, byte for byte: hex ids, 64-bit integers as strings, enums as
// numbers, resourceSpans → scopeSpans → spans with the resource's service attributes.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "tracing/otlp_json.hpp"

namespace phonebill::tracing {
namespace {

SpanData server_span() {
  SpanData span;
  span.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  span.span_id = "00f067aa0ba902b7";
  span.parent_span_id = "53995c3f42cd8ad8";
  span.name = "POST /api/v1/bills/inquiry";
  span.kind = SpanKind::kServer;
  span.start_unix_nano = 1'765'000'000'123'456'789ULL;
  span.end_unix_nano = 1'765'000'000'223'456'789ULL;
  span.attributes = {{"http.route", std::string{"/api/v1/bills/inquiry"}},
                     {"http.response.status_code", std::int64_t{200}},
                     {"phonebill.cached", true},
                     {"phonebill.ratio", 0.5}};
  return span;
}

TEST(OtlpJsonTest, EncodesTheResourceScopeAndSpanExactly) {
  auto root = server_span();
  root.parent_span_id.clear();
  root.status = StatusCode::kError;
  root.status_message = "HTTP 503";
  auto text = encode_traces(Resource{"bill-inquiry", "bill-1", "1.0.0"}, {root});
  EXPECT_EQ(text,
            R"({"resourceSpans":[{"resource":{"attributes":[)"
            R"({"key":"service.name","value":{"stringValue":"bill-inquiry"}},)"
            R"({"key":"service.instance.id","value":{"stringValue":"bill-1"}},)"
            R"({"key":"service.version","value":{"stringValue":"1.0.0"}}]},)"
            R"("scopeSpans":[{"scope":{"name":"phonebill"},"spans":[{)"
            R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7",)"
            R"("name":"POST /api/v1/bills/inquiry","kind":2,)"
            R"("startTimeUnixNano":"1765000000123456789","endTimeUnixNano":"1765000000223456789",)"
            R"("attributes":[{"key":"http.route","value":{"stringValue":"/api/v1/bills/inquiry"}},)"
            R"({"key":"http.response.status_code","value":{"intValue":"200"}},)"
            R"({"key":"phonebill.cached","value":{"boolValue":true}},)"
            R"({"key":"phonebill.ratio","value":{"doubleValue":5E-1}}],)"
            R"("status":{"code":2,"message":"HTTP 503"}}]}]}]})");
}

TEST(OtlpJsonTest, ChildSpansCarryTheirParentAndUnsetStatusIsEmpty) {
  auto child = server_span();
  child.kind = SpanKind::kClient;
  auto parsed = parse_json(encode_traces(Resource{"gateway", "gw-1", ""}, {child, child}));
  ASSERT_TRUE(parsed);
  const auto& resource_spans = parsed->as_object().at("resourceSpans").as_array();
  ASSERT_EQ(resource_spans.size(), 1u);
  const auto& first = resource_spans[0].as_object();
  // No service.version attribute when the version is unknown.
  EXPECT_EQ(first.at("resource").as_object().at("attributes").as_array().size(), 2u);
  const auto& scope = first.at("scopeSpans").as_array()[0].as_object();
  const auto& spans = scope.at("spans").as_array();
  ASSERT_EQ(spans.size(), 2u);
  const auto& span = spans[0].as_object();
  EXPECT_EQ(span.at("parentSpanId").as_string(), "53995c3f42cd8ad8");
  EXPECT_EQ(span.at("kind").as_int64(), 3);
  EXPECT_TRUE(span.at("status").as_object().empty());
}

}  // namespace
}  // namespace phonebill::tracing
