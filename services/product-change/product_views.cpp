// product-change's JSON views of domain values: see product_views.hpp.
#include "product_views.hpp"

#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "handlers/product_answers.hpp"
#include "http/pagination.hpp"

namespace phonebill::product {
namespace {

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

boost::json::array checks_view(const std::vector<Check>& list) {
  boost::json::array checks;
  for (const auto& check : list)
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
  view["effectiveDate"] = text_or_null(record.effective_date);
  view["kosOrderNumber"] = text_or_null(record.kos_order_number);
  view["requestedAt"] = iso8601_seoul(record.requested_at);
  view["processedAt"] = record.processed_at
                            ? boost::json::value(iso8601_seoul(*record.processed_at))
                            : boost::json::value(nullptr);
  // A REQUESTED change has no result yet; any other shows the answer it stands for, in
  // KOS's words when KOS explained a refusal.
  view["resultCode"] = nullptr;
  view["resultMessage"] = text_or_null(record.result_message);
  if (record.status != ChangeStatus::kRequested) {
    auto answer = product_answer(answer_for(record));
    view["resultCode"] = answer.code;
    view["resultMessage"] = record.result_message.value_or(answer.message);
  }
  if (record.checks) view["checks"] = checks_view(*record.checks);
  return view;
}

boost::json::object menu_view(const kos::ProductInquiryResult& line) {
  boost::json::object data;
  data["customer"] = customer_view(line.customer);
  data["currentProduct"] = product_view(line.current_product);
  return data;
}

boost::json::object available_view(const AvailablePlans& plans) {
  boost::json::array items;
  for (const auto& priced : plans.products)
    items.push_back(product_view(priced.product, priced.price_delta));
  boost::json::object data;
  data["currentProductCode"] = plans.current.product_code;
  data["currentProduct"] = product_view(plans.current);
  data["products"] = std::move(items);
  return data;
}

boost::json::object validation_view(const Validation& validation) {
  boost::json::object data;
  data["result"] = validation.precheck.passed() ? "PASS" : "FAIL";
  data["checks"] = checks_view(validation.precheck.checks);
  data["currentProductCode"] = validation.current_product_code;
  data["targetProductCode"] = validation.target_product_code;
  if (validation.price_delta) data["priceDelta"] = *validation.price_delta;
  return data;
}

}  // namespace phonebill::product
