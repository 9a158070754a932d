// The events a settled change makes (issue 21): completed → completed then the customer
// notification (same line, so delivered in that order); failed and pre-check failed →
// failed with the reason; pending → pending; a REQUESTED record → none. Lines masked.
#include <gtest/gtest.h>

#include "change_events.hpp"
#include "core/json.hpp"

namespace phonebill::product {
namespace {

const SystemTime kAt{std::chrono::seconds{1'790'000'000}};

ChangeRecord record(ChangeStatus status) {
  ChangeRecord r;
  r.request_id = "change-1";
  r.user_id = "user01";
  r.line_number = "01012345678";
  r.previous_product_code = "LTE-BASIC-001";
  r.previous_product_name = "LTE 베이직";
  r.target_product_code = "LTE-PREMIUM-001";
  r.target_product_name = "LTE 프리미엄";
  r.status = status;
  return r;
}

TEST(ChangeEventsTest, CompletedIsFollowedByTheNotification) {
  auto r = record(ChangeStatus::kCompleted);
  r.kos_order_number = "ORD-1";
  r.effective_date = "2026-12-07";
  auto events = change_events(r, kAt);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "product.change.completed");
  EXPECT_EQ(events[0].payload.at("kosOrderNumber").as_string(), "ORD-1");
  EXPECT_EQ(events[0].payload.at("targetProduct").at("code").as_string(), "LTE-PREMIUM-001");
  EXPECT_EQ(events[1].type, "customer.notification.requested");
  EXPECT_EQ(events[1].payload.at("userId").as_string(), "user01");
  EXPECT_EQ(events[0].order_key, events[1].order_key);
  EXPECT_EQ(events[0].request_id, "change-1");
  for (const auto& event : events) {
    EXPECT_EQ(event.line, "010-****-5678");
    EXPECT_EQ(to_json_text(outbox::to_body(event)).find("12345678"), std::string::npos);
  }
}

TEST(ChangeEventsTest, FailuresCarryTheirReason) {
  auto failed = record(ChangeStatus::kFailed);
  failed.failure_reason = ProductStatus::kKosUnavailable;
  auto events = change_events(failed, kAt);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "product.change.failed");
  EXPECT_EQ(events[0].payload.at("status").as_string(), "FAILED");
  EXPECT_EQ(events[0].payload.at("failureReason").as_string(), "KOS_UNAVAILABLE");

  auto precheck = record(ChangeStatus::kPrecheckFailed);
  precheck.failure_reason = ProductStatus::kPrecheckFailed;
  precheck.checks = std::vector<Check>{{"LINE_STATUS", false, "정지된 회선"}};
  events = change_events(precheck, kAt);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].payload.at("status").as_string(), "PRECHECK_FAILED");
  EXPECT_EQ(events[0].payload.at("checks").as_array().size(), 1u);
}

TEST(ChangeEventsTest, PendingAndRequested) {
  auto events = change_events(record(ChangeStatus::kPending), kAt);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "product.change.pending");
  EXPECT_TRUE(change_events(record(ChangeStatus::kRequested), kAt).empty());
}

}  // namespace
}  // namespace phonebill::product
