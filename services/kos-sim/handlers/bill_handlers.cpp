// POST /api/v1/kos/bill/inquiry and GET /api/v1/kos/bill/available-months/{lineNumber}.
#include "handler_support.hpp"
#include "kos/codec.hpp"
#include "routes.hpp"

namespace phonebill::kos_sim {

namespace asio = boost::asio;
using kos::KosResultCode;

namespace {

asio::awaitable<http::Response> bill_inquiry(http::Request& request, KosSimContext& context) {
  FieldErrors errors;
  std::optional<kos::BillInquiryRequest> inquiry;
  if (auto body = parse_body(request, errors))
    inquiry = kos::parse_bill_inquiry_request(*body, errors);
  auto plan = context.faults.plan(Endpoint::kBillInquiry, inquiry ? inquiry->line_number : "");
  if (auto replaced = co_await apply_fault_plan(plan, request, context.clock)) co_return *replaced;
  if (!inquiry) co_return invalid_request_answer(request, context.clock, errors);

  auto lookup = co_await context.store.find_bill(inquiry->line_number, inquiry->billing_month,
                                                 store_deadline(request));
  if (!lookup) co_return database_failure(request, context.clock, lookup.error());
  if (lookup->code != KosResultCode::kSuccess)
    co_return kos_answer(request, context.clock, lookup->code);
  co_return kos_answer(request, context.clock, KosResultCode::kSuccess,
                       kos::to_json(*lookup->bill));
}

asio::awaitable<http::Response> available_months(http::Request& request, KosSimContext& context) {
  FieldErrors errors;
  auto line_number = kos::parse_line_number_parameter(request.path_parameter("lineNumber"), errors);
  auto plan = context.faults.plan(Endpoint::kBillMonths, line_number.value_or(""));
  if (auto replaced = co_await apply_fault_plan(plan, request, context.clock)) co_return *replaced;
  if (!line_number) co_return invalid_request_answer(request, context.clock, errors);

  auto lookup = co_await context.store.available_months(*line_number, store_deadline(request));
  if (!lookup) co_return database_failure(request, context.clock, lookup.error());
  if (lookup->code != KosResultCode::kSuccess)
    co_return kos_answer(request, context.clock, lookup->code);
  co_return kos_answer(request, context.clock, KosResultCode::kSuccess,
                       kos::to_json(lookup->months));
}

}  // namespace

void add_bill_routes(http::Router& router, KosSimContext& context) {
  router.add("POST", "/api/v1/kos/bill/inquiry",
             [&context](http::Request& request) { return bill_inquiry(request, context); });
  router.add("GET", "/api/v1/kos/bill/available-months/{lineNumber}",
             [&context](http::Request& request) { return available_months(request, context); });
}

}  // namespace phonebill::kos_sim
