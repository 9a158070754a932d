// Events as they are sent: the envelope's fields, a masked line (never the number in
// clear) with a stable per-line order key, and the breaker transitions that make
// kos.circuit.* events (and those that make none).
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "outbox/circuit_events.hpp"
#include "outbox/outbox_event.hpp"
#include "outbox/relay_options.hpp"

namespace phonebill::outbox {
namespace {

const SystemTime kAt{std::chrono::seconds{1'790'000'000}};

TEST(OutboxEventTest, BodyHasTheEnvelopeAndMasksTheLine) {
  auto event =
      make_event(event_type::kBillInquiryCompleted, kAt, "bill-inquiry", std::string{"01012345678"},
                 "req-1", "http-1", boost::json::object{{"billingMonth", "2026-11"}});
  auto body = to_body(event);
  EXPECT_EQ(body.at("type").as_string(), "bill.inquiry.completed");
  EXPECT_EQ(body.at("line").as_string(), "010-****-5678");
  EXPECT_EQ(body.at("requestId").as_string(), "req-1");
  EXPECT_EQ(body.at("httpRequestId").as_string(), "http-1");
  EXPECT_EQ(body.at("schemaVersion").as_int64(), kSchemaVersion);
  EXPECT_EQ(body.at("occurredAt").as_string(), "2026-09-21T14:13:20.000Z");
  EXPECT_EQ(body.at("data").at("billingMonth").as_string(), "2026-11");
  EXPECT_EQ(event.id.size(), 32u);
  EXPECT_EQ(to_json_text(body).find("12345678"), std::string::npos);
}

TEST(OutboxEventTest, OrderKeyIsPerLineAndHidesTheNumber) {
  EXPECT_EQ(line_order_key("01012345678"), line_order_key("01012345678"));
  EXPECT_NE(line_order_key("01012345678"), line_order_key("01012345679"));
  EXPECT_EQ(line_order_key("01012345678").find("12345678"), std::string::npos);
  auto a = make_event(event_type::kProductChangeCompleted, kAt, "p", std::string{"01012345678"},
                      "r1", {}, {});
  auto b = make_event(event_type::kCustomerNotificationRequested, kAt, "p",
                      std::string{"01012345678"}, "r1", {}, {});
  EXPECT_EQ(a.order_key, b.order_key);
  EXPECT_NE(a.id, b.id);
  EXPECT_TRUE(to_body(a).at("httpRequestId").is_null());
}

TEST(OutboxEventTest, RowsKeepTheGivenOrder) {
  std::vector<OutboxEvent> events{
      make_event("a", kAt, "s", std::nullopt, "r1", {}, {}),
      make_event("b", kAt, "s", std::nullopt, "r2", {}, {}),
  };
  auto rows = to_rows(events);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("event_type").as_string(), "a");
  EXPECT_EQ(rows[1].at("body").at("type").as_string(), "b");
}

TEST(CircuitEventTest, OpeningAndClosingMakeEventsTrialsDoNot) {
  using resilience::BreakerState;
  auto at = [](BreakerState from, BreakerState to) {
    return resilience::BreakerTransition{"kos.product.change", from, to, kAt, 5};
  };
  auto opened = circuit_event("product-change", kos::KosOperation::kProductChange,
                              at(BreakerState::kClosed, BreakerState::kOpen),
                              std::chrono::milliseconds{30'000});
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->type, event_type::kKosCircuitOpened);
  EXPECT_EQ(opened->payload.at("retryAfterSeconds").as_int64(), 30);
  EXPECT_EQ(opened->payload.at("consecutiveFailures").as_int64(), 5);
  auto closed = circuit_event("product-change", kos::KosOperation::kProductChange,
                              at(BreakerState::kHalfOpen, BreakerState::kClosed),
                              std::chrono::milliseconds{30'000});
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->type, event_type::kKosCircuitClosed);
  EXPECT_EQ(closed->order_key, opened->order_key);
  EXPECT_FALSE(circuit_event("p", kos::KosOperation::kProductChange,
                             at(BreakerState::kOpen, BreakerState::kHalfOpen),
                             std::chrono::milliseconds{1}));
  EXPECT_FALSE(circuit_event("p", kos::KosOperation::kProductChange,
                             at(BreakerState::kHalfOpen, BreakerState::kOpen),
                             std::chrono::milliseconds{1}));
}

TEST(RelayOptionsTest, OffWithoutAUrlAndNeedsSecretsWithOne) {
  EXPECT_FALSE(RelayOptions::from_environment(Environment::from_map({})).enabled());
  EXPECT_THROW(RelayOptions::from_environment(
                   Environment::from_map({{"PHONEBILL_MVNO_AP_URL", "http://127.0.0.1:8085"}})),
               ConfigError);
  auto options = RelayOptions::from_environment(
      Environment::from_map({{"PHONEBILL_MVNO_AP_URL", "http://127.0.0.1:8085/mvno"},
                             {"PHONEBILL_MVNO_AP_SECRETS", "new,old"}}));
  ASSERT_TRUE(options.enabled());
  EXPECT_EQ(options.receiver_path, "/mvno/events");
  EXPECT_EQ(options.secrets, (std::vector<std::string>{"new", "old"}));
  EXPECT_THROW(RelayOptions::from_environment(
                   Environment::from_map({{"PHONEBILL_MVNO_AP_URL", "http://127.0.0.1:8085"},
                                          {"PHONEBILL_MVNO_AP_SECRETS", "s"},
                                          {"PHONEBILL_OUTBOX_LEASE_MS", "1000"},
                                          {"PHONEBILL_OUTBOX_POST_TIMEOUT_MS", "1000"}})),
               ConfigError);
}

}  // namespace
}  // namespace phonebill::outbox
