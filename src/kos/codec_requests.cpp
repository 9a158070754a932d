// JSON form and validation of the three KOS request bodies and the two path
// parameters (codec.hpp). Validation failures become kos-sim's 9001 answers.
#include "core/line_number.hpp"
#include "kos/codec.hpp"
#include "kos/codec_support.hpp"

namespace phonebill::kos {

using detail::ErrorMark;
using detail::ObjectReader;

boost::json::object to_json(const BillInquiryRequest& request) {
  return {{"lineNumber", request.line_number},
          {"billingMonth", request.billing_month.kos_form()},
          {"requestId", request.request_id}};
}

boost::json::object to_json(const ProductInquiryRequest& request) {
  return {{"lineNumber", request.line_number}, {"requestId", request.request_id}};
}

boost::json::object to_json(const ProductChangeRequest& request) {
  return {{"lineNumber", request.line_number},
          {"currentProductCode", request.current_product_code},
          {"targetProductCode", request.target_product_code},
          {"requestId", request.request_id}};
}

std::optional<BillInquiryRequest> parse_bill_inquiry_request(const boost::json::value& body,
                                                             FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{body, errors};
  auto line_number = reader.line_number("lineNumber");
  auto billing_month = reader.kos_month("billingMonth");
  auto request_id = reader.request_id("requestId");
  if (!mark.clean()) return std::nullopt;
  return BillInquiryRequest{*line_number, *billing_month, *request_id};
}

std::optional<ProductInquiryRequest> parse_product_inquiry_request(const boost::json::value& body,
                                                                   FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{body, errors};
  auto line_number = reader.line_number("lineNumber");
  auto request_id = reader.request_id("requestId");
  if (!mark.clean()) return std::nullopt;
  return ProductInquiryRequest{*line_number, *request_id};
}

std::optional<ProductChangeRequest> parse_product_change_request(const boost::json::value& body,
                                                                 FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{body, errors};
  auto line_number = reader.line_number("lineNumber");
  auto current = reader.product_code("currentProductCode");
  auto target = reader.product_code("targetProductCode");
  auto request_id = reader.request_id("requestId");
  if (current && target && *current == *target)
    reader.add_error("targetProductCode", "must differ from currentProductCode");
  if (!mark.clean()) return std::nullopt;
  return ProductChangeRequest{*line_number, *current, *target, *request_id};
}

std::optional<std::string> parse_line_number_parameter(std::string_view text, FieldErrors& errors) {
  auto canonical = normalize_line_number(text);
  if (!canonical) errors.add("lineNumber", std::string{detail::kLineNumberReason});
  return canonical;
}

std::optional<std::string> parse_request_id_parameter(std::string_view text, FieldErrors& errors) {
  if (!detail::is_valid_request_id(text)) {
    errors.add("requestId", std::string{detail::kRequestIdReason});
    return std::nullopt;
  }
  return std::string{text};
}

}  // namespace phonebill::kos
