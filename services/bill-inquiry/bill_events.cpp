// The events of bill inquiries (see bill_events.hpp).
#include "bill_events.hpp"

#include "bill_status.hpp"
#include "bill_views.hpp"
#include "core/json.hpp"
#include "core/line_number.hpp"

namespace phonebill::bill {

std::optional<outbox::OutboxEvent> inquiry_event(const HistoryEntry& entry) {
  if (!entry.line_number) return std::nullopt;
  // Another customer's line: a refused probe, not an inquiry of that line.
  if (!entry.completed && entry.result_code == to_string(BillStatus::kLineNotOwned))
    return std::nullopt;
  boost::json::object payload;
  payload["billingMonth"] = entry.billing_month
                                ? boost::json::value(entry.billing_month->api_form())
                                : boost::json::value(nullptr);
  std::string_view type;
  if (entry.completed) {
    type = outbox::event_type::kBillInquiryCompleted;
    payload["source"] =
        entry.source ? boost::json::value(to_string(*entry.source)) : boost::json::value(nullptr);
    auto shown = entry.bill ? parse_json(*entry.bill->info_json) : std::nullopt;
    if (shown && shown->is_object()) {
      // The bill as shown, but its line masked like the envelope's (SPEC §14).
      auto& info = shown->as_object();
      info["lineNumber"] = masked_line_number(*entry.line_number);
      payload["billInfo"] = std::move(info);
    } else {
      payload["billInfo"] = nullptr;
    }
  } else {
    type = outbox::event_type::kBillInquiryFailed;
    payload["resultCode"] = entry.result_code;
    payload["resultSummary"] = entry.result_summary;
  }
  return outbox::make_event(type, entry.finished_at, "bill-inquiry", entry.line_number,
                            entry.request_id, entry.http_request_id, std::move(payload));
}

}  // namespace phonebill::bill
