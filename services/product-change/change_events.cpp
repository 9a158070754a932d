// The events of a settled plan change (see change_events.hpp).
#include "change_events.hpp"

#include <boost/json/array.hpp>

#include "core/json.hpp"

namespace phonebill::product {
namespace {

constexpr const char* kSource = "product-change";

boost::json::object plans(const ChangeRecord& record) {
  return {{"changeId", record.request_id},
          {"previousProduct",
           {{"code", record.previous_product_code}, {"name", record.previous_product_name}}},
          {"targetProduct",
           {{"code", record.target_product_code}, {"name", record.target_product_name}}}};
}

outbox::OutboxEvent event(std::string_view type, const ChangeRecord& record, SystemTime at,
                          boost::json::object payload) {
  return outbox::make_event(type, at, kSource, record.line_number, record.request_id, {},
                            std::move(payload));
}

}  // namespace

std::vector<outbox::OutboxEvent> change_events(const ChangeRecord& record, SystemTime at) {
  std::vector<outbox::OutboxEvent> events;
  auto payload = plans(record);
  switch (record.status) {
    case ChangeStatus::kRequested:
      break;
    case ChangeStatus::kCompleted: {
      payload["kosOrderNumber"] = text_or_null(record.kos_order_number);
      payload["effectiveDate"] = text_or_null(record.effective_date);
      payload["message"] = "상품 변경이 완료되었다";
      events.push_back(event(outbox::event_type::kProductChangeCompleted, record, at, payload));
      // After the completed event (same line: delivered in this order).
      boost::json::object notification{{"changeId", record.request_id},
                                       {"userId", record.user_id},
                                       {"template", "PRODUCT_CHANGE_COMPLETED"},
                                       {"channels", boost::json::array{"SMS", "PUSH"}},
                                       {"targetProductName", record.target_product_name},
                                       {"effectiveDate", text_or_null(record.effective_date)}};
      events.push_back(
          event(outbox::event_type::kCustomerNotificationRequested, record, at, notification));
      break;
    }
    case ChangeStatus::kFailed:
    case ChangeStatus::kPrecheckFailed: {
      payload["status"] = to_text(record.status);
      payload["failureReason"] = record.failure_reason
                                     ? boost::json::value(to_text(*record.failure_reason))
                                     : boost::json::value(nullptr);
      payload["kosResultCode"] = text_or_null(record.kos_result_code);
      payload["message"] = text_or_null(record.result_message);
      if (record.checks) {
        boost::json::array checks;
        for (const auto& check : *record.checks)
          checks.push_back(boost::json::object{{"type", check.type},
                                               {"result", check.passed ? "PASS" : "FAIL"},
                                               {"message", check.message}});
        payload["checks"] = std::move(checks);
      }
      events.push_back(event(outbox::event_type::kProductChangeFailed, record, at, payload));
      break;
    }
    case ChangeStatus::kPending:
      payload["kosResultCode"] = text_or_null(record.kos_result_code);
      payload["message"] = text_or_null(record.result_message);
      events.push_back(event(outbox::event_type::kProductChangePending, record, at, payload));
      break;
  }
  return events;
}

}  // namespace phonebill::product
