// POST /api/v1/bills/inquiry {lineNumber?, inquiryMonth?} and
// GET /api/v1/bills/inquiry/{requestId} (owner only).
#include "bill_views.hpp"
#include "core/json.hpp"
#include "handlers/handler_support.hpp"
#include "http/json_body.hpp"
#include "http/refusal.hpp"
#include "routes.hpp"

namespace phonebill::bill {

namespace {

// The work before and after the inquiry's one wait, in plain functions: their JSON tree,
// field errors and answer never sit in the handler's coroutine frame (issue 17: a frame
// of 1 KiB or more costs every request a malloc the thread's cache does not serve).

// The body's fields into `input`, or the answer refusing them.
std::optional<http::Response> read_inquiry_input(http::Request& request, InquiryInput& input) {
  // An empty body means "all defaults" (the one body reader's rule: no fields).
  auto body = http::read_json_object(request);
  if (!body) return http::respond_refusal(request, body.error(), http::body_answer);
  FieldErrors errors;
  JsonReader reader{*body, errors};
  input.line_number = reader.string("lineNumber", Presence::kOptional);
  input.inquiry_month = reader.string("inquiryMonth", Presence::kOptional);
  if (!errors.empty()) return http::error_response(request, http::validation_error(errors));
  return std::nullopt;
}

http::Response answer_response(const http::Request& request,
                               const Result<InquiryAnswer, BillStatus>& answer) {
  if (!answer) return http::respond_refusal(request, answer.error(), bill_answer);
  // The bill as it was rendered once (from KOS, or as cached): its bytes, not a new tree.
  http::Response response;
  response.body = inquiry_answer_body(*answer);
  response.set_header("Cache-Control", "no-store");  // as http::respond sets on a success
  return response;
}

}  // namespace

boost::asio::awaitable<http::Response> handle_inquiry(BillContext& context,
                                                      http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  InquiryInput input;
  if (auto refused = read_inquiry_input(request, input)) co_return std::move(*refused);
  auto info = request_info(request);
  auto answer = co_await context.service.inquire(*caller, input, info);
  co_return answer_response(request, answer);
}

boost::asio::awaitable<http::Response> handle_inquiry_lookup(BillContext& context,
                                                             http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  std::string request_id{request.path_parameter("requestId")};
  auto record = co_await context.service.find_inquiry(std::move(*caller), std::move(request_id),
                                                      request_info(request));
  co_return respond_bill(request, record, history_item_with_bill);
}

}  // namespace phonebill::bill
