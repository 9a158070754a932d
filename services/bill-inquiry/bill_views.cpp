// JSON views of bills, inquiry answers, the menu and history records: see bill_views.hpp.
#include "bill_views.hpp"

#include <boost/json/array.hpp>

#include "core/json.hpp"
#include "core/json_text.hpp"
#include "core/seoul_time.hpp"

namespace phonebill::bill {
namespace {

boost::json::value allowance(std::int64_t value) {
  if (value == kos::kUnlimited) return boost::json::value("무제한");
  return boost::json::value(value);
}

boost::json::object usage_amount(const kos::UsageAmount& amount) {
  return boost::json::object{{"used", amount.used}, {"allowance", allowance(amount.allowance)}};
}

boost::json::value optional_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

}  // namespace

boost::json::object bill_info(const kos::Bill& bill) {
  boost::json::object info;
  info["lineNumber"] = bill.line_number;
  info["billingMonth"] = bill.billing_month.api_form();
  info["customerName"] = bill.customer_name;
  info["productCode"] = bill.product_code;
  info["productName"] = bill.product_name;
  info["contractInfo"] =
      boost::json::object{{"contractType", kos::to_text(bill.contract_info.contract_type)},
                          {"startDate", optional_text(bill.contract_info.start_date)},
                          {"endDate", optional_text(bill.contract_info.end_date)}};
  info["monthlyFee"] = bill.monthly_fee;
  info["usageFee"] = bill.usage_fee;
  info["discountAmount"] = bill.discount_amount;
  info["totalAmount"] = bill.total_amount;
  boost::json::array discounts;
  for (const auto& discount : bill.discounts)
    discounts.push_back(boost::json::object{{"name", discount.name}, {"amount", discount.amount}});
  info["discounts"] = std::move(discounts);
  info["usage"] = boost::json::object{{"voice", usage_amount(bill.usage.voice_minutes)},
                                      {"sms", usage_amount(bill.usage.sms_count)},
                                      {"data", usage_amount(bill.usage.data_mb)}};
  info["terminationFee"] = bill.termination_fee;
  info["deviceInstallment"] = bill.device_installment;
  if (bill.installment) {
    info["installment"] =
        boost::json::object{{"deviceName", bill.installment->device_name},
                            {"totalAmount", bill.installment->total_amount},
                            {"monthlyAmount", bill.installment->monthly_amount},
                            {"remainingAmount", bill.installment->remaining_amount},
                            {"remainingMonths", bill.installment->remaining_months}};
  } else {
    info["installment"] = nullptr;
  }
  info["paymentInfo"] =
      boost::json::object{{"billingDate", bill.payment_info.billing_date},
                          {"dueDate", bill.payment_info.due_date},
                          {"paymentStatus", kos::to_text(bill.payment_info.payment_status)},
                          {"paymentMethod", bill.payment_info.payment_method}};
  return info;
}

ShownBill shown_bill(const kos::Bill& bill) {
  return ShownBill{std::make_shared<const std::string>(to_json_text(bill_info(bill))),
                   bill.total_amount};
}

boost::json::object inquiry_view(const InquiryAnswer& answer) {
  boost::json::object data;
  data["requestId"] = answer.request_id;
  data["status"] = "COMPLETED";
  data["source"] = to_string(answer.source);
  if (answer.cached_at) data["cachedAt"] = iso8601_seoul(*answer.cached_at);
  return data;
}

std::string inquiry_answer_body(const InquiryAnswer& answer) {
  constexpr std::string_view kOpening = R"({"success":true,"data":{"requestId":)";
  constexpr std::size_t kMembersBytes = 128;  // status, source, cachedAt and their names
  const auto& info = *answer.bill.info_json;
  std::string body;
  body.reserve(kOpening.size() + answer.request_id.size() + kMembersBytes + info.size());
  body.append(kOpening);
  append_json_string(body, answer.request_id);
  body.append(R"(,"status":"COMPLETED","source":)");
  append_json_string(body, to_string(answer.source));
  if (answer.cached_at) {
    body.append(R"(,"cachedAt":)");
    append_json_string(body, iso8601_seoul(*answer.cached_at));
  }
  body.append(R"(,"billInfo":)");
  body.append(info);
  body.append("}}");
  return body;
}

boost::json::object menu_view(const BillMenu& menu) {
  boost::json::object customer;
  customer["customerId"] = menu.customer_id;
  customer["lineNumber"] = menu.line_number;
  customer["customerName"] = optional_text(menu.customer_name);
  boost::json::array months;
  for (const auto& month : menu.available_months)
    months.push_back(boost::json::value(month.api_form()));
  boost::json::object data;
  data["customer"] = std::move(customer);
  data["availableMonths"] = std::move(months);
  data["defaultMonth"] = menu.default_month.api_form();
  data["monthsSource"] = menu.months_source == MonthsSource::kKos ? "KOS" : "LOCAL";
  return data;
}

boost::json::object history_item(const HistoryRecord& record) {
  boost::json::object item;
  item["requestId"] = record.request_id;
  item["lineNumber"] = optional_text(record.line_number);
  item["inquiryMonth"] = optional_text(record.billing_month);
  item["requestedAt"] = iso8601_seoul(record.requested_at);
  item["finishedAt"] = iso8601_seoul(record.finished_at);
  item["status"] = record.status;
  item["source"] = optional_text(record.source);
  item["resultCode"] = record.result_code;
  item["resultSummary"] = record.result_summary;
  return item;
}

boost::json::object history_item_with_bill(const HistoryRecord& record) {
  auto item = history_item(record);
  boost::json::value bill = nullptr;
  if (record.bill_info) {
    if (auto parsed = parse_json(*record.bill_info)) bill = std::move(*parsed);
  }
  item["billInfo"] = std::move(bill);
  return item;
}

}  // namespace phonebill::bill
