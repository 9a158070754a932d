#include "fuzz_targets.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/billing_month.hpp"
#include "core/json.hpp"
#include "core/line_number.hpp"
#include "fault_settings.hpp"
#include "http/api_error.hpp"
#include "http/history_query.hpp"
#include "http/pagination.hpp"
#include "http/request_head.hpp"
#include "http/request_parser.hpp"
#include "http/router.hpp"
#include "http/trace.hpp"
#include "kos/codec.hpp"

namespace phonebill::fuzz {
namespace {
std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
}  // namespace

void parse_kos_requests(const std::uint8_t* data, std::size_t size) {
  auto body = parse_json(text_of(data, size));
  if (!body) return;
  FieldErrors errors;
  (void)kos::parse_bill_inquiry_request(*body, errors);
  (void)kos::parse_product_inquiry_request(*body, errors);
  if (auto change = kos::parse_product_change_request(*body, errors)) (void)kos::to_json(*change);
  (void)errors.to_json();
}

void parse_kos_answers(const std::uint8_t* data, std::size_t size) {
  auto body = parse_json(text_of(data, size));
  if (!body) return;
  FieldErrors errors;
  if (auto envelope = kos::parse_envelope(*body, errors)) {
    (void)kos::parse_bill(envelope->data, errors);
    (void)kos::parse_product_list(envelope->data, errors);
    (void)kos::parse_product_inquiry_result(envelope->data, errors);
    (void)kos::parse_order_info(envelope->data, errors);
    if (auto months = kos::parse_available_months(envelope->data, errors))
      (void)kos::to_json(*months);
  }
  (void)kos::parse_bill(*body, errors);
  (void)kos::parse_product_change_result(*body, errors);
}

void parse_fault_settings(const std::uint8_t* data, std::size_t size) {
  auto body = parse_json(text_of(data, size));
  if (!body) return;
  FieldErrors errors;
  if (auto settings = kos_sim::parse_fault_settings(*body, errors)) {
    // What GET shows must parse back to the same settings.
    FieldErrors again;
    auto round_trip = kos_sim::parse_fault_settings(kos_sim::to_json(*settings), again);
    if (!round_trip || !(*round_trip == *settings)) __builtin_trap();
  }
}

void parse_line_and_month(const std::uint8_t* data, std::size_t size) {
  auto text = text_of(data, size);
  if (auto line = normalize_line_number(text)) {
    if (line->size() != 11 || normalize_line_number(dashed_line_number(*line)) != line)
      __builtin_trap();
  }
  (void)masked_line_number(text);
  if (auto month = BillingMonth::parse(text)) {
    if (BillingMonth::parse(month->api_form()) != month ||
        BillingMonth::parse(month->kos_form()) != month)
      __builtin_trap();
  }
}

namespace {

// The routes of the services in shape: parameters, prefixes, the history lists' query.
const http::Router& service_routes() {
  static const http::Router router = [] {
    http::Router routes;
    auto none = [](http::Request&) -> boost::asio::awaitable<http::Response> {
      co_return http::Response{};
    };
    routes.add("GET", "/api/v1/bills/history", none);
    routes.add("GET", "/api/v1/admin/users/{userId}", none);
    routes.add("POST", "/api/v1/products/change", none);
    routes.add("GET", "/api/**", none);
    return routes;
  }();
  return router;
}

// What the server does with a request Beast parsed, short of running a handler: the same
// checks (request_head.hpp), then what handlers read. Returns the status it would answer
// from these steps (200 when a handler would take over).
int answer_status(http::Request& request) {
  FieldErrors malformed;
  http::check_request_head({request.path, request.query}, request.headers, malformed);
  if (!malformed.empty()) {
    auto response = http::error_response(request, http::validation_error(malformed));
    (void)boost::json::parse(response.body);  // the envelope is valid JSON whatever the input
    return response.status;
  }
  auto match = service_routes().match(request.method, request.path, request.path_parameters);
  (void)match;
  (void)http::continue_trace(request.header("traceparent"));
  (void)http::is_acceptable_request_id(request.header("x-request-id"));
  FieldErrors errors;
  http::HistoryStatuses statuses{[](std::string_view status) { return status == "SUCCESS"; },
                                 "must be SUCCESS"};
  (void)http::validate_history_query(http::HistoryQuery::from_request(request), "user", statuses,
                                     errors);
  for (const auto& [name, value] : request.path_parameters)
    (void)http::error_response(request, http::validation_error(name, value));
  auto response = http::error_response(request, http::validation_error(errors));
  (void)boost::json::parse(response.body);
  return 200;
}

}  // namespace

namespace {

// The fields as Beast's own request_parser gave them (the server's parser before
// RequestParser), names lower-cased, sorted by name keeping each name's order: Beast kept
// a repeated name next to its first occurrence, RequestParser keeps arrival order.
http::HeaderList sorted_fields(http::HeaderList fields) {
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return fields;
}

}  // namespace

void parse_http_requests(const std::uint8_t* data, std::size_t size) {
  namespace bhttp = boost::beast::http;
  // The server's own parser (Beast's framing, the fields straight into the Request).
  http::Request request;
  http::RequestParser parser{request};
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  boost::system::error_code error;
  auto used = parser.put(boost::asio::buffer(data, size), error);
  // Beast's request_parser must have read the same bytes the same way.
  bhttp::request_parser<bhttp::string_body> beast_parser;
  beast_parser.eager(true);
  beast_parser.header_limit(16 * 1024);
  beast_parser.body_limit(64 * 1024);
  boost::system::error_code beast_error;
  auto beast_used = beast_parser.put(boost::asio::buffer(data, size), beast_error);
  if (used != beast_used || error != beast_error ||
      parser.is_header_done() != beast_parser.is_header_done() ||
      parser.is_done() != beast_parser.is_done())
    __builtin_trap();
  if (!parser.is_header_done()) return;  // framing errors are the server's 400/413/431
  const auto& message = beast_parser.get();
  http::HeaderList beast_fields;
  for (const auto& field : message) {
    std::string name{field.name_string()};
    for (auto& c : name) c = http::lower_ascii(c);
    beast_fields.emplace_back(std::move(name), std::string{field.value()});
  }
  auto target = http::split_target({message.target().data(), message.target().size()});
  if (request.method != message.method_string() || request.path != target.path ||
      request.query != target.query ||
      sorted_fields(request.headers) != sorted_fields(beast_fields) ||
      (parser.is_done() && request.body != message.body()))
    __builtin_trap();
  // An exception here would be a handler's 500 in the server.
  try {
    if (answer_status(request) >= 500) __builtin_trap();
  } catch (...) {
    __builtin_trap();
  }
}

}  // namespace phonebill::fuzz
