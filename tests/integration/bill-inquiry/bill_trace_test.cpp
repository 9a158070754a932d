// Traces (SPEC §13, issue 18): one bill inquiry through the real gateway → bill-inquiry →
// kos-sim arrives at the stand-in collector as ONE connected trace — every span's parent
// is there, the gateway's request span is the only root — with the spans named as
// expected and no line number in any attribute. The incoming traceparent's sampled flag
// decides for the whole request (parent-based sampling).
#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "bill_fixture.hpp"
#include "gateway_fixture.hpp"
#include "support/stand_in_collector.hpp"
#include "tracing/span_context.hpp"

namespace phonebill::test_support {
namespace {

using BillTrace = BillInquiryTest;

const ReceivedSpan* find_span(const std::vector<ReceivedSpan>& spans, const std::string& service,
                              const std::string& name_prefix) {
  for (const auto& span : spans)
    if (span.service == service && span.name.rfind(name_prefix, 0) == 0) return &span;
  return nullptr;
}

Reply inquire_with(std::uint16_t gateway_port, const std::string& bearer,
                   const std::string& traceparent, const std::string& body) {
  http::HeaderList headers{{"Authorization", "Bearer " + bearer},
                           {"Content-Type", "application/json"}};
  if (!traceparent.empty()) headers.emplace_back("traceparent", traceparent);
  return http_call(gateway_port, "POST", "/api/v1/bills/inquiry", std::move(headers), body,
                   std::chrono::seconds{10});
}

TEST_F(BillTrace, OneInquiryIsOneConnectedTraceFromTheGatewayToKos) {
  // A month nobody asked for yet: a cache miss, so the inquiry goes to KOS.
  auto month = current_month().plus_months(-7).api_form();
  auto reply = inquire_with(gateway_port(), token("user01", kUser01Line), "",
                            R"({"inquiryMonth":")" + month + R"("})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto returned = tracing::parse_traceparent(reply.header("traceparent"));
  ASSERT_TRUE(returned) << reply.header("traceparent");
  ASSERT_TRUE(returned->sampled);

  auto complete = [](const std::vector<ReceivedSpan>& spans) {
    return find_span(spans, "gateway", "POST /api/v1/bills/inquiry") &&
           find_span(spans, "gateway", "upstream bill-inquiry") &&
           find_span(spans, "bill-inquiry", "POST /api/v1/bills/inquiry") &&
           find_span(spans, "bill-inquiry", "kos bill.inquiry") &&
           find_span(spans, "bill-inquiry", "redis GET") &&
           find_span(spans, "kos-sim", "POST /api/v1/kos/bill/inquiry");
  };
  auto spans = collector().wait_for(returned->trace_id, complete, std::chrono::seconds{10});
  auto tree = describe_trace(spans);
  std::cout << "trace " << returned->trace_id << ":\n" << tree;
  if (const char* dump = std::getenv("PHONEBILL_TRACE_DUMP")) std::ofstream{dump} << tree;
  ASSERT_TRUE(complete(spans)) << tree;
  EXPECT_EQ(collector().refused_bodies(), 0);

  // One trace: a single root (the gateway's request span, the id it returned), every
  // other span's parent received too.
  int roots = 0;
  for (const auto& span : spans) {
    if (span.parent_span_id.empty()) {
      ++roots;
      EXPECT_EQ(span.span_id, returned->span_id);
      continue;
    }
    bool parent_present = std::any_of(spans.begin(), spans.end(), [&](const ReceivedSpan& other) {
      return other.span_id == span.parent_span_id;
    });
    EXPECT_TRUE(parent_present) << span.name << " has no parent in the trace\n" << tree;
    // Nothing personal in attributes: no line number, no token.
    for (const auto& [key, value] : span.attributes) {
      EXPECT_EQ(value.find(kUser01Line), std::string::npos) << key;
      EXPECT_EQ(value.find("Bearer"), std::string::npos) << key;
    }
  }
  EXPECT_EQ(roots, 1) << tree;

  // The hops in order: gateway request → upstream call → bill-inquiry's request → KOS call
  // → kos-sim's request; the cache read under bill-inquiry's request.
  auto* gateway = find_span(spans, "gateway", "POST /api/v1/bills/inquiry");
  auto* upstream = find_span(spans, "gateway", "upstream bill-inquiry");
  auto* service = find_span(spans, "bill-inquiry", "POST /api/v1/bills/inquiry");
  auto* kos = find_span(spans, "bill-inquiry", "kos bill.inquiry");
  auto* simulator = find_span(spans, "kos-sim", "POST /api/v1/kos/bill/inquiry");
  auto* cache_read = find_span(spans, "bill-inquiry", "redis GET");
  EXPECT_EQ(upstream->parent_span_id, gateway->span_id);
  EXPECT_EQ(service->parent_span_id, upstream->span_id);
  EXPECT_EQ(kos->parent_span_id, service->span_id);
  EXPECT_EQ(simulator->parent_span_id, kos->span_id);
  EXPECT_EQ(cache_read->parent_span_id, service->span_id);
  EXPECT_EQ(gateway->kind, 2);
  EXPECT_EQ(upstream->kind, 3);
  EXPECT_EQ(kos->attribute("phonebill.kos.attempt"), R"({"intValue":"1"})");
  EXPECT_EQ(kos->attribute("phonebill.kos.breaker_state"), R"({"stringValue":"closed"})");
  EXPECT_EQ(gateway->attribute("http.response.status_code"), R"({"intValue":"200"})");
  // Children start after their parents; a call's span ends before its caller's. (A
  // server's span ends after it wrote its answer, so it may end after its caller's.)
  EXPECT_GE(upstream->start_unix_nano, gateway->start_unix_nano);
  EXPECT_GE(service->start_unix_nano, upstream->start_unix_nano);
  EXPECT_GE(kos->start_unix_nano, service->start_unix_nano);
  EXPECT_LE(kos->end_unix_nano, service->end_unix_nano);
  EXPECT_LE(upstream->end_unix_nano, gateway->end_unix_nano);
}

TEST_F(BillTrace, AClientsTraceparentDecidesWhetherTheRequestIsRecorded) {
  auto bearer = token("user01", kUser01Line);
  // Sampled by the caller: the gateway's span hangs under the caller's span.
  std::string sampled_trace = tracing::new_trace_id();
  auto sampled =
      inquire_with(gateway_port(), bearer, "00-" + sampled_trace + "-00f067aa0ba902b7-01", "{}");
  ASSERT_EQ(sampled.status, 200) << sampled.body;
  auto spans = collector().wait_for(
      sampled_trace,
      // Both processes' spans: each exports on its own, in either order.
      [](const std::vector<ReceivedSpan>& found) {
        return find_span(found, "bill-inquiry", "POST /api/v1/bills/inquiry") != nullptr &&
               find_span(found, "gateway", "POST /api/v1/bills/inquiry") != nullptr;
      },
      std::chrono::seconds{10});
  auto* gateway = find_span(spans, "gateway", "POST /api/v1/bills/inquiry");
  ASSERT_NE(gateway, nullptr) << describe_trace(spans);
  EXPECT_EQ(gateway->parent_span_id, "00f067aa0ba902b7");

  // Not sampled by the caller: nothing is recorded anywhere, although the ratio is 100 %.
  std::string unsampled_trace = tracing::new_trace_id();
  auto unsampled =
      inquire_with(gateway_port(), bearer, "00-" + unsampled_trace + "-00f067aa0ba902b7-00", "{}");
  ASSERT_EQ(unsampled.status, 200) << unsampled.body;
  EXPECT_EQ(unsampled.header("traceparent").substr(0, 36), "00-" + unsampled_trace + "-");
  std::this_thread::sleep_for(std::chrono::milliseconds{600});  // six export rounds
  EXPECT_TRUE(collector().spans_of(unsampled_trace).empty());
}

}  // namespace
}  // namespace phonebill::test_support
