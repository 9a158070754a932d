// JSON views: see product_views.hpp.
#include "product_views.hpp"

#include "core/seoul_time.hpp"

namespace phonebill::product {
namespace {

boost::json::value optional_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

boost::json::object product_reference(const std::string& code, const std::string& name) {
  return boost::json::object{{"productCode", code}, {"productName", name}};
}

}  // namespace

std::string allowance_text(std::int64_t amount, std::string_view unit) {
  if (amount == kos::kUnlimited) return "무제한";
  return std::to_string(amount) + std::string{unit};
}

boost::json::object product_view(const kos::Product& product,
                                 std::optional<std::int64_t> price_delta) {
  boost::json::object view;
  view["productCode"] = product.product_code;
  view["productName"] = product.product_name;
  view["operatorCode"] = product.operator_code;
  view["networkType"] = product.network_type;
  view["monthlyFee"] = product.monthly_fee;
  view["dataAllowance"] = allowance_text(product.data_allowance_gb, "GB");
  view["voiceAllowance"] = allowance_text(product.voice_allowance_minutes, "분");
  view["smsAllowance"] = allowance_text(product.sms_allowance, "건");
  view["description"] = product.description;
  view["onSale"] = product.status == kos::ProductStatus::kActive;
  if (price_delta) view["priceDelta"] = *price_delta;
  return view;
}

boost::json::object customer_view(const kos::Customer& customer) {
  return boost::json::object{{"customerId", customer.customer_id},
                             {"lineNumber", customer.line_number},
                             {"customerName", customer.customer_name},
                             {"lineStatus", kos::to_text(customer.line_status)}};
}

boost::json::array checks_view(const Precheck& precheck) {
  boost::json::array checks;
  for (const auto& check : precheck.checks)
    checks.push_back(boost::json::object{{"type", check.type},
                                         {"result", check.passed ? "PASS" : "FAIL"},
                                         {"message", check.message}});
  return checks;
}

boost::json::object change_view(const ChangeRecord& record) {
  boost::json::object view;
  view["requestId"] = record.request_id;
  view["status"] = to_text(record.status);
  view["lineNumber"] = record.line_number;
  view["previousProduct"] =
      product_reference(record.previous_product_code, record.previous_product_name);
  view["newProduct"] = product_reference(record.target_product_code, record.target_product_name);
  view["effectiveDate"] = optional_text(record.effective_date);
  view["kosOrderNumber"] = optional_text(record.kos_order_number);
  view["requestedAt"] = iso8601_seoul(record.requested_at);
  view["processedAt"] = record.processed_at
                            ? boost::json::value(iso8601_seoul(*record.processed_at))
                            : boost::json::value(nullptr);
  view["resultCode"] = optional_text(record.result_code);
  view["resultMessage"] = optional_text(record.result_message);
  if (!record.checks.is_null()) view["checks"] = record.checks;
  return view;
}

}  // namespace phonebill::product
