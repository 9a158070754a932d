// JSON form of KOS-Order's wire types (wire.hpp) and of its envelope
// {success, resultCode, resultMessage, data, timestamp, traceId}. kos-sim parses
// requests with parse_*_request (each problem lands in FieldErrors, answered as 9001)
// and writes answers with to_json + make_envelope; KOS clients do the reverse with
// parse_envelope and the parse_* payload functions. camelCase keys, unknown keys ignored.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/validation.hpp"
#include "kos/result_code.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos {

// Every parse_* function returns nullopt when errors were added; errors name the field
// with its JSON path ("usage.dataMb.used", "discounts[1].amount"). A value that is not
// a JSON object is reported under the field "body" (or the path of the nested value).

// ---- Requests (kos-sim parses, clients build) ---------------------------------------

boost::json::object to_json(const BillInquiryRequest& request);
boost::json::object to_json(const ProductInquiryRequest& request);
boost::json::object to_json(const ProductChangeRequest& request);

// lineNumber: 01012345678 or 010-1234-5678 (normalised); billingMonth: YYYYMM;
// requestId: 1…100 of [A-Za-z0-9._:-]; product codes: 1…40 of [A-Za-z0-9_-], and the
// target must differ from the current one.
std::optional<BillInquiryRequest> parse_bill_inquiry_request(const boost::json::value& body,
                                                             FieldErrors& errors);
std::optional<ProductInquiryRequest> parse_product_inquiry_request(const boost::json::value& body,
                                                                   FieldErrors& errors);
std::optional<ProductChangeRequest> parse_product_change_request(const boost::json::value& body,
                                                                 FieldErrors& errors);

// Path parameters: /bill/available-months/{lineNumber}, /product/change/{requestId}.
// The canonical value, or nullopt with an error under "lineNumber" / "requestId".
std::optional<std::string> parse_line_number_parameter(std::string_view text, FieldErrors& errors);
std::optional<std::string> parse_request_id_parameter(std::string_view text, FieldErrors& errors);

// ---- Payloads (kos-sim builds, clients parse) ----------------------------------------

boost::json::object to_json(const Bill& bill);
boost::json::object to_json(const AvailableMonths& months);
boost::json::object to_json(const Product& product);
boost::json::object to_json(const ProductList& list);
boost::json::object to_json(const ProductInquiryResult& result);
boost::json::object to_json(const ProductChangeResult& result);
boost::json::object to_json(const OrderInfo& order);

std::optional<Bill> parse_bill(const boost::json::value& data, FieldErrors& errors);
std::optional<AvailableMonths> parse_available_months(const boost::json::value& data,
                                                      FieldErrors& errors);
std::optional<Product> parse_product(const boost::json::value& data, FieldErrors& errors);
std::optional<ProductList> parse_product_list(const boost::json::value& data, FieldErrors& errors);
std::optional<ProductInquiryResult> parse_product_inquiry_result(const boost::json::value& data,
                                                                 FieldErrors& errors);
std::optional<ProductChangeResult> parse_product_change_result(const boost::json::value& data,
                                                               FieldErrors& errors);
std::optional<OrderInfo> parse_order_info(const boost::json::value& data, FieldErrors& errors);

// ---- Envelope ------------------------------------------------------------------------

struct Envelope {
  bool success = false;  // true exactly when result_code is kSuccess
  KosResultCode result_code = KosResultCode::kSystemError;
  std::string result_message;
  boost::json::value data;  // the payload on success; null, or {"errors": [...]} for 9001
  std::string timestamp;    // ISO-8601 with offset (Seoul)
  std::string trace_id;
};

// An envelope for the code, with default_message(code) unless a message is given, and
// the timestamp of `now` in Seoul time.
Envelope make_envelope(KosResultCode code, boost::json::value data, SystemTime now,
                       std::string trace_id, std::string message = {});

// The 9001 answer: data {"errors": [{field, reason}, ...]}.
Envelope make_invalid_request_envelope(const FieldErrors& errors, SystemTime now,
                                       std::string trace_id);

boost::json::object to_json(const Envelope& envelope);

// Parses an envelope; an unknown resultCode, or success disagreeing with it, is an
// error (a client treats such an answer like a system error). data and traceId are
// optional (absent data becomes null).
std::optional<Envelope> parse_envelope(const boost::json::value& body, FieldErrors& errors);

}  // namespace phonebill::kos
