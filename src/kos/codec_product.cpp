// JSON form of the product answers (codec.hpp): catalogue entries, the product
// inquiry, the change result and the order lookup used for reconciliation.
#include "kos/codec.hpp"
#include "kos/codec_support.hpp"

namespace phonebill::kos {

using detail::ErrorMark;
using detail::ObjectReader;
using detail::optional_text;

namespace {

constexpr std::string_view kLineStatusNames = "ACTIVE, SUSPENDED, TERMINATED";

Product read_product(ObjectReader& reader) {
  Product product;
  product.product_code = reader.product_code("productCode").value_or("");
  product.product_name = reader.string("productName").value_or("");
  product.operator_code = reader.string("operatorCode").value_or("");
  product.network_type = reader.string("networkType").value_or("");
  product.monthly_fee = reader.money("monthlyFee").value_or(0);
  product.data_allowance_gb = reader.integer_at_least("dataAllowanceGb", kUnlimited).value_or(0);
  product.voice_allowance_minutes =
      reader.integer_at_least("voiceAllowanceMinutes", kUnlimited).value_or(0);
  product.sms_allowance = reader.integer_at_least("smsAllowance", kUnlimited).value_or(0);
  product.status = reader.enumeration("status", parse_product_status, "ACTIVE, DISCONTINUED")
                       .value_or(ProductStatus::kActive);
  product.description = reader.string("description", Presence::kOptional).value_or("");
  return product;
}

}  // namespace

boost::json::object to_json(const Product& product) {
  return {{"productCode", product.product_code},
          {"productName", product.product_name},
          {"operatorCode", product.operator_code},
          {"networkType", product.network_type},
          {"monthlyFee", product.monthly_fee},
          {"dataAllowanceGb", product.data_allowance_gb},
          {"voiceAllowanceMinutes", product.voice_allowance_minutes},
          {"smsAllowance", product.sms_allowance},
          {"status", to_text(product.status)},
          {"description", product.description}};
}

std::optional<Product> parse_product(const boost::json::value& data, FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  if (!reader.valid()) return std::nullopt;
  auto product = read_product(reader);
  if (!mark.clean()) return std::nullopt;
  return product;
}

boost::json::object to_json(const ProductList& list) {
  boost::json::array products;
  for (const auto& product : list.products) products.push_back(to_json(product));
  return {{"products", std::move(products)}};
}

std::optional<ProductList> parse_product_list(const boost::json::value& data, FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  ProductList list;
  if (auto* products = reader.array("products")) {
    for (std::size_t index = 0; index < products->size(); ++index) {
      ObjectReader item{(*products)[index], errors,
                        reader.path_of("products") + "[" + std::to_string(index) + "]"};
      if (item.valid()) list.products.push_back(read_product(item));
    }
  }
  if (!mark.clean()) return std::nullopt;
  return list;
}

boost::json::object to_json(const ProductInquiryResult& result) {
  return {{"customer",
           {{"customerId", result.customer.customer_id},
            {"customerName", result.customer.customer_name},
            {"lineNumber", result.customer.line_number},
            {"lineStatus", to_text(result.customer.line_status)}}},
          {"currentProduct", to_json(result.current_product)},
          {"contractInfo", detail::contract_to_json(result.contract_info)}};
}

std::optional<ProductInquiryResult> parse_product_inquiry_result(const boost::json::value& data,
                                                                 FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  ProductInquiryResult result;
  if (auto customer = reader.object("customer")) {
    result.customer.customer_id = customer->string("customerId").value_or("");
    result.customer.customer_name = customer->string("customerName").value_or("");
    result.customer.line_number = customer->line_number("lineNumber").value_or("");
    result.customer.line_status =
        customer->enumeration("lineStatus", parse_line_status, kLineStatusNames)
            .value_or(LineStatus::kActive);
  }
  if (auto product = reader.object("currentProduct"))
    result.current_product = read_product(*product);
  result.contract_info = detail::parse_contract(reader, "contractInfo").value_or(ContractInfo{});
  if (!mark.clean()) return std::nullopt;
  return result;
}

boost::json::object to_json(const ProductChangeResult& result) {
  return {{"requestId", result.request_id},
          {"kosOrderNumber", result.kos_order_number},
          {"lineNumber", result.line_number},
          {"previousProductCode", result.previous_product_code},
          {"newProductCode", result.new_product_code},
          {"effectiveDate", result.effective_date},
          {"processedAt", result.processed_at}};
}

std::optional<ProductChangeResult> parse_product_change_result(const boost::json::value& data,
                                                               FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  ProductChangeResult result;
  result.request_id = reader.request_id("requestId").value_or("");
  result.kos_order_number = reader.string("kosOrderNumber").value_or("");
  result.line_number = reader.line_number("lineNumber").value_or("");
  result.previous_product_code = reader.product_code("previousProductCode").value_or("");
  result.new_product_code = reader.product_code("newProductCode").value_or("");
  result.effective_date = reader.date("effectiveDate").value_or("");
  result.processed_at = reader.string("processedAt").value_or("");
  if (!mark.clean()) return std::nullopt;
  return result;
}

boost::json::object to_json(const OrderInfo& order) {
  boost::json::object json{{"requestId", order.request_id}, {"status", to_text(order.status)}};
  if (order.status == OrderStatus::kNotFound) return json;
  json["lineNumber"] = optional_text(order.line_number);
  json["currentProductCode"] = optional_text(order.current_product_code);
  json["targetProductCode"] = optional_text(order.target_product_code);
  json["previousProductCode"] = optional_text(order.previous_product_code);
  json["kosOrderNumber"] = optional_text(order.kos_order_number);
  json["effectiveDate"] = optional_text(order.effective_date);
  if (order.result_code) {
    json["resultCode"] = to_text(*order.result_code);
  } else {
    json["resultCode"] = nullptr;
  }
  json["resultMessage"] = optional_text(order.result_message);
  json["createdAt"] = optional_text(order.created_at);
  return json;
}

std::optional<OrderInfo> parse_order_info(const boost::json::value& data, FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{data, errors};
  OrderInfo order;
  order.request_id = reader.request_id("requestId").value_or("");
  order.status = reader.enumeration("status", parse_order_status, "COMPLETED, FAILED, NOT_FOUND")
                     .value_or(OrderStatus::kNotFound);
  if (!mark.clean()) return std::nullopt;
  if (order.status == OrderStatus::kNotFound) return order;

  const auto optional = Presence::kOptional;
  order.line_number = reader.string("lineNumber", optional);
  order.current_product_code = reader.string("currentProductCode", optional);
  order.target_product_code = reader.string("targetProductCode", optional);
  order.previous_product_code = reader.string("previousProductCode", optional);
  order.kos_order_number = reader.string("kosOrderNumber", optional);
  order.effective_date = reader.date("effectiveDate", optional);
  if (auto code_text = reader.string("resultCode", optional)) {
    order.result_code = parse_result_code(*code_text);
    if (!order.result_code) reader.add_error("resultCode", "must be a known KOS result code");
  }
  order.result_message = reader.string("resultMessage", optional);
  order.created_at = reader.string("createdAt", optional);
  if (order.status == OrderStatus::kCompleted && !order.kos_order_number)
    reader.add_error("kosOrderNumber", "required for a COMPLETED order");
  if (!mark.clean()) return std::nullopt;
  return order;
}

}  // namespace phonebill::kos
